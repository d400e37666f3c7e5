/**
 * The TFTP helper (dataplane/conntrack/tftp.ts) through masquerade, replayed: A's read request to the server's
 * port 69 leaves as 203.0.113.2 keeping its port; the server answers from a port of its own (RFC 1350) — a
 * different connection, which only the helper's expectation makes `related` and NATs back to A. With the
 * helper disabled (`/ip firewall service-port set tftp disabled=yes`) the same answer is a new connection to
 * the router itself, and the input filter drops it. A second request on another port gets its own answer.
 */
import { officeRouter } from '../../dataplane/flow/helpers';
import { frame, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';
import { generationFrom, replay, fateText } from '../flow/helpers';
import { describeFrame } from '../../../dataplane/wire/describe';
import { l4ChecksumOk4 } from '../../../dataplane/wire/checksum';

const CONFIG = `${officeRouter()}/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=drop in-interface=ether1
add chain=forward action=accept connection-state=related connection-type=tftp
add chain=forward action=accept connection-state=established
add chain=forward action=accept connection-state=new in-interface=ether2
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
`;

const T0 = 1_767_261_600;
const at = (ms: number, f: Uint8Array): FixtureFrame => ({ frame: f, tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1_000_000 });
const A = '192.168.88.10';
const SRV = '198.51.100.69';
const rrq = (sport: number, file: string) =>
  frame().eth({ src: '02:00:00:00:88:0a', dst: '02:f1:00:00:00:02' }).ipv4({ src: A, dst: SRV, id: sport & 0xff }).udp({ sport, dport: 69 }).payload(Uint8Array.from([0, 1, ...Buffer.from(`${file}\0octet\0`)])).build();
const data = (sport: number, dport: number) =>
  frame().eth({ src: '02:00:5e:00:00:01', dst: '02:f1:00:00:00:01' }).ipv4({ src: SRV, dst: '203.0.113.2', id: 7 }).udp({ sport, dport }).payload(Uint8Array.from([0, 3, 0, 1, 1, 2, 3])).build();

function run(config: string) {
  const gen = generationFrom(config);
  const ether2 = [at(0, rrq(40000, 'boot.bin')), at(300, rrq(40001, 'other.bin'))];
  const ether1 = [at(100, data(50123, 40000)), at(200, data(50123, 40000)), at(400, data(50999, 40001)), at(500, data(51000, 40002))];
  const r = replay(gen, { ether1: fixtureBytes(ether1), ether2: fixtureBytes(ether2) });
  const lines = r.outputs.map((o) => `${gen.portNames[o.port]} ${describeFrame(o.frame, 0, o.frame.length, 1)}`);
  const fates = r.inputs.map((i) => {
    const f = r.finals.get(i.serial)!;
    return fateText(gen, f[0], f[1]);
  });
  return { r, lines, fates };
}

test('the server\'s answer from another port is related and reaches A (masquerade undone)', () => {
  const { r, lines, fates } = run(CONFIG);
  expect(lines).toEqual([
    'ether1 IP 203.0.113.2.40000 > 198.51.100.69.69: UDP, length 17',
    'ether2 IP 198.51.100.69.50123 > 192.168.88.10.40000: UDP, length 7',
    'ether2 IP 198.51.100.69.50123 > 192.168.88.10.40000: UDP, length 7',
    'ether1 IP 203.0.113.2.40001 > 198.51.100.69.69: UDP, length 18',
    'ether2 IP 198.51.100.69.50999 > 192.168.88.10.40001: UDP, length 7',
  ]);
  // In capture order: request, data, data again (the data connection's original direction, still related:
  // no reply yet), the second request, its data, and a packet to a port nobody asked about.
  expect(fates).toEqual(['tx ether1', 'tx ether2', 'tx ether2', 'tx ether1', 'tx ether2', 'drop firewall-drop']);
  for (const o of r.outputs) expect(l4ChecksumOk4(o.frame, 14, 34, o.frame.length - 34, 17)).toBe(true);
  const fw = r.flow.firewall!;
  // Two request connections with the helper, two data connections related to them.
  let related = 0;
  fw.ct.forEach((id) => {
    if (fw.ct.master[id]! >= 0 && fw.ct.status[id]! & (1 << 11)) related++;
  });
  expect(related).toBe(2);
});

test('with the helper disabled the answer is nobody\'s connection: the input filter drops it', () => {
  const { lines, fates } = run(`${CONFIG}/ip firewall service-port\nset tftp disabled=yes\n`);
  expect(lines.filter((l) => l.startsWith('ether2'))).toEqual([]);
  expect(fates).toEqual(['tx ether1', 'drop firewall-drop', 'drop firewall-drop', 'tx ether1', 'drop firewall-drop', 'drop firewall-drop']);
});
