/**
 * Scenario ftp-nat (test/scenarios/ftp-nat/config.rsc tells the story): a passive and an active FTP transfer
 * through masquerade. Checks, all worked out from RouterOS/Linux semantics (the FTP helper, nf_nat_ftp and
 * seqadj, masquerade): every frame leaves on the other side with the right addresses, ports, sequence and
 * acknowledgement numbers and valid checksums; the PORT command is rewritten to the WAN address (two bytes
 * shorter) and later segments are adjusted; both data connections are related (connection-type=ftp counts
 * them), the passive one masqueraded, the active one sent to the client; the connection table and rule
 * counters say so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ftpNatCaptureBytes, captureFile, BANNER, PASV_REPLY, PORT_CMD, PORT_REPLY, QUIT, HELLO_ACTIVE, HELLO_PASSIVE, CSEQ, SSEQ, SERVER_END } from './ftp-nat/captures';
import { generationFrom, replay, fateText } from '../dataplane/flow/helpers';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { formatConnections, formatRuleStats } from '../../dataplane/firewall/report';
import { CtStatus } from '../../dataplane/conntrack/table';

const DIR = path.join(__dirname, 'ftp-nat');

test('committed ftp-nat captures equal what captures.ts builds', () => {
  const built = ftpNatCaptureBytes();
  const onDisk = fs.readdirSync(DIR).filter((f) => /^in-.*\.pcap$/.test(f)).sort();
  expect(onDisk).toEqual(Object.keys(built).map(captureFile).sort());
  for (const [iface, bytes] of Object.entries(built)) {
    const file = fs.readFileSync(path.join(DIR, captureFile(iface)));
    expect({ iface, same: Buffer.compare(file, Buffer.from(bytes)) === 0 }).toEqual({ iface, same: true });
  }
});

interface Seg {
  port: string;
  cause: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: number;
  seq: number;
  ack: number;
  data: string;
}

const ip = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

function run() {
  const gen = generationFrom(fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8'));
  const out = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap'), ether2: path.join(DIR, 'in-ether2.pcap') });
  const segs: Seg[] = out.outputs.map((t) => {
    const f = t.frame;
    expect(f[12]! * 256 + f[13]!).toBe(0x0800);
    const l3 = 14;
    const ihl = (f[l3]! & 15) * 4;
    const tl = f[l3 + 2]! * 256 + f[l3 + 3]!;
    expect(ipv4ChecksumOk(f, l3)).toBe(true);
    expect(f[l3 + 9]).toBe(6);
    const l4 = l3 + ihl;
    expect(l4ChecksumOk4(f, l3, l4, tl - ihl, 6)).toBe(true);
    const doff = (f[l4 + 12]! >> 4) * 4;
    return {
      port: gen.portNames[t.port]!,
      cause: t.cause,
      src: ip(f, l3 + 12),
      dst: ip(f, l3 + 16),
      sport: f[l4]! * 256 + f[l4 + 1]!,
      dport: f[l4 + 2]! * 256 + f[l4 + 3]!,
      flags: f[l4 + 13]!,
      seq: u32(f, l4 + 4),
      ack: u32(f, l4 + 8),
      data: Buffer.from(f.subarray(l4 + doff, l3 + tl)).toString('latin1'),
    };
  });
  return { gen, out, segs };
}

test('every input frame is forwarded (none dropped); one output per input', () => {
  const { gen, out } = run();
  expect(out.inputs.length).toBe(19);
  for (const i of out.inputs) {
    const f = out.finals.get(i.serial)!;
    expect({ serial: i.serial, fate: fateText(gen, f[0], f[1]) }).toEqual({ serial: i.serial, fate: `tx ${i.port === 0 ? 'ether2' : 'ether1'}` });
  }
  expect(out.outputs.length).toBe(19);
});

test('the control connection: masqueraded to 203.0.113.2:50000, its replies back to the client', () => {
  const { segs } = run();
  const ctl = segs.filter((s) => s.sport === 21 || s.dport === 21);
  const up = ctl.filter((s) => s.port === 'ether1');
  const down = ctl.filter((s) => s.port === 'ether2');
  for (const s of up) expect([s.src, s.sport, s.dst, s.dport]).toEqual(['203.0.113.2', 50000, '198.51.100.21', 21]);
  for (const s of down) expect([s.src, s.sport, s.dst, s.dport]).toEqual(['198.51.100.21', 21, '192.168.88.10', 50000]);
  // Banner and the 227 reply pass unchanged (227 names the server itself: nothing to rewrite).
  expect(down.map((s) => s.data)).toEqual(['', BANNER, PASV_REPLY, PORT_REPLY]);
});

test('PORT is rewritten to the WAN address (2 bytes shorter); later sequence/ack numbers are adjusted both ways', () => {
  const { segs } = run();
  const port = segs.find((s) => s.data.startsWith('PORT'))!;
  expect(PORT_CMD).toBe('PORT 192,168,88,10,195,90\r\n');
  expect(port.data).toBe('PORT 203,0,113,2,195,90\r\n');
  expect(port.seq).toBe(CSEQ.port); // the rewritten segment keeps its start
  // The server acked 107 + 25; the client must see 107 + 27.
  const reply = segs.find((s) => s.data === PORT_REPLY)!;
  expect(reply.ack).toBe(CSEQ.port + PORT_CMD.length);
  expect(reply.seq).toBe(SSEQ.portReply);
  // QUIT left the client at 134 and reaches the server at 132; its ack is not adjusted (server side unchanged).
  const quit = segs.find((s) => s.data === QUIT)!;
  expect(quit.seq).toBe(CSEQ.quit - 2);
  expect(quit.ack).toBe(SERVER_END);
});

test('passive data connection: related, masqueraded like the control connection', () => {
  const { segs } = run();
  const d = segs.filter((s) => s.sport === 50001 || s.dport === 50001 || (s.sport === 50000 && s.dport !== 21 && s.port === 'ether2'));
  const up = d.filter((s) => s.port === 'ether1');
  const down = d.filter((s) => s.port === 'ether2');
  expect(up.length).toBe(3);
  expect(down.length).toBe(2);
  for (const s of up) expect([s.src, s.sport, s.dst, s.dport]).toEqual(['203.0.113.2', 50001, '198.51.100.21', 50000]);
  for (const s of down) expect([s.src, s.sport, s.dst, s.dport]).toEqual(['198.51.100.21', 50000, '192.168.88.10', 50001]);
  expect(down.map((s) => s.data)).toEqual(['', HELLO_PASSIVE]);
});

test('active data connection: the server connects to 203.0.113.2:50010 and reaches the client at 192.168.88.10:50010', () => {
  const { segs } = run();
  const down = segs.filter((s) => s.sport === 20 && s.port === 'ether2');
  const up = segs.filter((s) => s.dport === 20 && s.port === 'ether1');
  expect(down.map((s) => [s.src, s.sport, s.dst, s.dport])).toEqual(Array(3).fill(['198.51.100.21', 20, '192.168.88.10', 50010]));
  expect(down.map((s) => s.data)).toEqual(['', '', HELLO_ACTIVE]);
  expect(up.map((s) => [s.src, s.sport, s.dst, s.dport, s.flags])).toEqual([['203.0.113.2', 50010, '198.51.100.21', 20, 0x12]]);
});

test('connection table and rule counters: three connections, the data ones related to the control one', () => {
  const { gen, out } = run();
  const fw = out.flow.firewall!;
  const ct = fw.ct;
  const ids: number[] = [];
  ct.forEach((id) => ids.push(id));
  expect(ids.length).toBe(3);
  const byDport = new Map(ids.map((id) => [ct.tup[id * 8 + 2]! & 0xffff, id]));
  const ctl = byDport.get(21)!;
  const passive = byDport.get(50000)!;
  const active = byDport.get(50010)!;
  expect(ct.status[ctl]! & CtStatus.HELPER).toBeTruthy();
  expect(ct.master[passive]).toBe(ctl);
  expect(ct.master[active]).toBe(ctl);
  expect(ct.status[passive]! & (CtStatus.RELATED | CtStatus.SRCNAT | CtStatus.DSTNAT)).toBe(CtStatus.RELATED | CtStatus.SRCNAT);
  expect(ct.status[active]! & (CtStatus.RELATED | CtStatus.SRCNAT | CtStatus.DSTNAT)).toBe(CtStatus.RELATED | CtStatus.DSTNAT);
  expect(ct.expect.used).toBe(2);
  const table = formatConnections(fw, out.flow.state.now, { markNames: gen.firewall.markNames });
  expect(table).toMatch(/ SACsh tcp +192\.168\.88\.10:50000 +198\.51\.100\.21:21 +established/);
  expect(table).toMatch(/ SACd +tcp +198\.51\.100\.21:20 +203\.0\.113\.2:50010 +established/);
  expect(table).toMatch(/reply-src-address=192\.168\.88\.10:50010 .*connection-type=ftp master=192\.168\.88\.10:50000->198\.51\.100\.21:21/);
  // Filter counters: rule 0 (connection-type=ftp) took every packet of both data connections (5 + 4).
  expect(fw.filter.packets[0]).toBe(9);
  const stats = formatRuleStats(fw);
  expect(stats).toMatch(/;;; FTP data connections\n +0 +forward accept +\d+ +9\n/);
  // Nothing dropped, no invalid packet.
  expect(fw.filter.packets[2]).toBe(0);
  expect(fw.filter.packets[4]).toBe(0);
  expect(fw.invalid).toBe(0);
});
