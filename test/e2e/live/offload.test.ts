/**
 * `flowplane run --tap-offload` end to end: TAPs opened with vnet headers and TSO/checksum offloads, so the
 * hosts' kernels hand the router 64 KiB TCP super-frames with partial checksums.
 *
 *   lan (192.168.88.10) ── tap ether1 (offload) ─[flowplane]─ ether2 tap (offload) ── wan (203.0.113.1)
 *   vh  (10.3.0.10)     ── veth ══ veth ether3 (libpcap: no offloads) ─┘
 *
 * Checked: iperf3 TCP from lan to wan (super-frames in, super-frames out, masqueraded; the throughput is
 * printed); iperf3 TCP from lan to vh, where every super-frame is cut into MSS-sized segments in software
 * because a pcap port takes only wire-sized frames, and a sample of those segments as vh receives them
 * has valid IP and TCP checksums (tshark); the reverse direction (vh sends through the pcap port to an
 * offload TAP); ping and UDP (small frames, partial checksums completed) on the way.
 *
 * Names start with `fpo<pid>`; afterAll removes the namespaces and stops the router whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checksums, cleanup, inNs, iperf3, liveUsable, pcapHost, sh, sleep, startRouter, stopRouter, tapHost, tcpdump, waitUntil, labNames } from './lib';

const P = `fpo${process.pid}`;
const { LAN, WAN, VH, TAP_LAN, TAP_WAN, VETH_R, VETH_H } = labNames(P);
const maybe = liveUsable('offload') ? describe : describe.skip;

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
/ip address
add address=192.168.88.1/24 interface=ether1 network=192.168.88.0
add address=203.0.113.2/24 interface=ether2 network=203.0.113.0
add address=10.3.0.1/24 interface=ether3 network=10.3.0.0
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=accept in-interface=ether1
add chain=forward action=accept in-interface=ether3
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
`;

maybe('flowplane run --tap-offload', () => {
  let router: ChildProcess | null = null;
  let log = '';
  const procs: ChildProcess[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpo-'));
  const cfg = path.join(dir, 'router.rsc');

  const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);

  async function iperfServer(ns: string, port: number): Promise<void> {
    procs.push(spawn('ip', ['netns', 'exec', ns, 'iperf3', '-s', '-1', '-p', String(port)], { stdio: 'ignore' }));
    await sleep(300);
  }

  beforeAll(async () => {
    fs.writeFileSync(cfg, CONFIG);
    pcapHost(VH, VETH_R, VETH_H, '10.3.0.10/24', '10.3.0.1');
    router = startRouter(['--config', cfg, '--tap-offload', '--tap', `ether1=${TAP_LAN}`, '--tap', `ether2=${TAP_WAN}`, '--pcap-if', `ether3=${VETH_R}`], (d) => (log += d));
    await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
    tapHost(LAN, TAP_LAN, '192.168.88.10/24', '192.168.88.1');
    tapHost(WAN, TAP_WAN, '203.0.113.1/24', '');
    await sleep(300);
  }, 30_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await stopRouter(router);
    cleanup([LAN, WAN, VH], [VETH_R]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the TAPs offer TSO to the hosts; ping and UDP (small frames) cross', () => {
    expect(inNs(LAN, ['ethtool', '-k', TAP_LAN])).toMatch(/tcp-segmentation-offload: on/);
    expect(inNs(LAN, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '203.0.113.1'])).toMatch(/2 received/);
    expect(inNs(LAN, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.3.0.10'])).toMatch(/2 received/);
    // UDP leaves the LAN host with a partial checksum (the TAP offers checksum offload): completed at RX,
    // then masqueraded; the server answers to what it saw.
    procs.push(
      spawn('ip', ['netns', 'exec', WAN, 'python3', '-c', "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('0.0.0.0',5353))\nwhile True:\n d,a=s.recvfrom(2000);s.sendto(('peer '+a[0]+' '+str(len(d))).encode(),a)"], { stdio: 'ignore' }),
    );
    const udp = () =>
      inNs(LAN, ['python3', '-c', "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(1);s.sendto(b'u'*1200,('203.0.113.1',5353));print(s.recvfrom(100)[0].decode())"]);
    let got = '';
    for (let i = 0; i < 5 && got === ''; i++) {
      try {
        got = udp();
      } catch {
        /* the server was not listening yet */
      }
    }
    expect(got).toBe('peer 203.0.113.2 1200\n');
  });

  test('iperf3 TCP between two offload TAPs: super-frames through routing and masquerade', async () => {
    await iperfServer(WAN, 5201);
    const r = iperf3(LAN, '203.0.113.1', 5201, 3);
    // eslint-disable-next-line no-console
    console.log(`live e2e: iperf3 TCP through flowplane, TAPs with offloads: ${r.mbps.toFixed(0)} Mbit/s`);
    expect(r.bytes).toBeGreaterThan(1e6);
    expect(r.mbps).toBeGreaterThan(10);
  }, 30_000);

  test('iperf3 TCP from an offload TAP to a pcap port: super-frames segmented in software, checksums valid', async () => {
    await iperfServer(VH, 5202);
    const sample = path.join(dir, 'vh.pcap');
    const cap = tcpdump(VH, VETH_H, sample, ['-c', '3000', 'tcp port 5202']);
    procs.push(cap);
    await sleep(300);
    const r = iperf3(LAN, '10.3.0.10', 5202, 3);
    // eslint-disable-next-line no-console
    console.log(`live e2e: iperf3 TCP offload TAP -> pcap port (software segmentation): ${r.mbps.toFixed(0)} Mbit/s`);
    expect(r.bytes).toBeGreaterThan(1e6);
    await Promise.race([new Promise((res) => cap.once('exit', res)), sleep(2000)]);
    cap.kill('SIGINT');
    await sleep(200);
    const ck = checksums(sample);
    expect(ck.frames).toBeGreaterThan(100);
    expect(ck.bad).toEqual([]);
    // Every data segment fits the wire: nothing larger than 1514 bytes reached vh.
    const big = sh('tshark', ['-r', sample, '-Y', 'frame.len > 1514'], 20_000).trim();
    expect(big).toBe('');
    const data = sh('tshark', ['-r', sample, '-Y', 'tcp.len >= 1000 && ip.src == 192.168.88.10'], 20_000).trim();
    expect(data).not.toBe('');
  }, 30_000);

  test('iperf3 TCP from the pcap port to an offload TAP (the reverse)', async () => {
    await iperfServer(LAN, 5203);
    const r = iperf3(VH, '192.168.88.10', 5203, 2);
    // eslint-disable-next-line no-console
    console.log(`live e2e: iperf3 TCP pcap port -> offload TAP: ${r.mbps.toFixed(0)} Mbit/s`);
    expect(r.bytes).toBeGreaterThan(1e6);
  }, 30_000);
});
