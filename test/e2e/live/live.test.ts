/**
 * `flowplane run` end to end with real Linux hosts: the router process makes two TAPs, each is moved into a
 * network namespace as that host's interface, and real tools talk across it.
 *
 *   lan (192.168.88.10) ── tap ether1 ─[flowplane: routing, masquerade, filter]─ ether2 tap ── wan (203.0.113.1)
 *   vh  (10.3.0.10)     ── veth ══ veth ether3 (libpcap, --pcap-if) ─┘
 *
 * Checked: ping to the router and across the routed path; TCP and UDP through masquerade, with the source
 * address as the server saw it (its accept()/recvfrom()); a filter rule blocking one TCP port while another
 * passes; iperf3 TCP for a few seconds (the throughput is printed); the same ping and TCP from a host behind
 * a pcap port (a veth pair: the router side stays in this namespace, offloads off as README "Live" says);
 * every frame captured on the server side, on the pcap host and during iperf3 has valid IP/TCP/UDP/ICMP
 * checksums (tshark with checksum validation); a SIGHUP reload with a changed config keeps an open TCP
 * connection working (its masquerade state is carried over), and a config that does not load is refused
 * while the router keeps forwarding.
 *
 * The filter drops connection-state=invalid (as RouterOS's default config does): a client that closes with
 * unread data sends a RST below the server's highest ack, which conntrack calls invalid (Linux's "invalid
 * rst"), and an invalid packet is not NATed — without the rule it would leave with its private source.
 *
 * The whole suite runs three times: the flow in the port thread, then in two worker threads (`--workers 2`),
 * then with two workers and every TAP opened as two queues (`--tap-queues 2`: the port thread reads both,
 * each flow leaves on one).
 *
 * Names start with `fpl<pid>` (`fpl<pid>x` with workers, `fpl<pid>q` with queues); afterAll removes the namespaces and stops the router whatever happened.
 * Needs root (skipped with a printed reason outside CI otherwise) and a built flowplane (npm run build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checksums, cleanup, inNs, liveUsable, pcapHost, sh, sleep, startRouter, stopRouter, tapHost, tcpdump, waitUntil, labNames } from './lib';

const maybe = liveUsable('routed') ? describe : describe.skip;

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
add chain=forward action=drop protocol=tcp dst-port=8081
add chain=forward action=accept in-interface=ether1
add chain=forward action=accept in-interface=ether3
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
`;

/** A Python helper run in a namespace (servers and clients small enough to read here). */
function py(ns: string, code: string): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'python3', '-u', '-c', code], { stdio: ['ignore', 'pipe', 'pipe'] });
}
function outputOf(p: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    p.on('exit', () => resolve(out));
  });
}

const TCP_SERVER = (port: number) => `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', ${port})); s.listen(8)
while True:
    c, a = s.accept()
    try:
        c.sendall(('peer ' + a[0] + '\\n').encode())
        while True:
            d = c.recv(100)
            if not d: break
            c.sendall(d)
    except OSError:
        pass  # a client that closed with unread data resets the connection: serve the next one
    c.close()
`;
const UDP_SERVER = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 5353))
while True:
    d, a = s.recvfrom(100); s.sendto(('peer ' + a[0]).encode(), a)
`;

/**
 * The suite, run twice: the flow in the port thread (the default), and in two worker threads (`--workers 2`:
 * frames dispatched by flow hash, masquerade ports steered back to their worker, SIGHUP switching every
 * worker). Each run has its own names (`fpl<pid>` and `fpl<pid>x`).
 */
function suite(workers: number, tapQueues = 1): void {
  const P = `fpl${process.pid}${tapQueues > 1 ? 'q' : workers > 0 ? 'x' : ''}`;
  const { LAN, WAN, TAP_LAN, TAP_WAN, VH, VETH_R, VETH_H } = labNames(P);
  const opts = [...(workers > 0 ? ['--workers', String(workers)] : []), ...(tapQueues > 1 ? ['--tap-queues', String(tapQueues)] : [])];
  maybe(`flowplane run with TAPs in network namespaces${opts.length > 0 ? ` (${opts.join(' ')})` : ''}`, () => {
    let router: ChildProcess | null = null;
    let log = '';
    const servers: ChildProcess[] = [];
    const captures: ChildProcess[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpl-'));
    const cfg = path.join(dir, 'router.rsc');
    const pcap = path.join(dir, 'wan.pcap');
    const pcapVh = path.join(dir, 'vh.pcap');

    /** A test body whose failure message ends with the router's log (what it said is the first clue). */
    const withLog =
      (fn: () => void | Promise<void>) =>
      async (): Promise<void> => {
        try {
          await fn();
        } catch (e) {
          if (e instanceof Error) e.message += `\nrouter log:\n${log}`;
          throw e;
        }
      };

    const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);

    beforeAll(async () => {
      fs.writeFileSync(cfg, CONFIG);
      pcapHost(VH, VETH_R, VETH_H, '10.3.0.10/24', '10.3.0.1');
      router = startRouter(
        ['--config', cfg, '--tap', `ether1=${TAP_LAN}`, '--tap', `ether2=${TAP_WAN}`, '--pcap-if', `ether3=${VETH_R}`, ...opts],
        (d) => (log += d),
      );
      await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
      tapHost(LAN, TAP_LAN, '192.168.88.10/24', '192.168.88.1');
      tapHost(WAN, TAP_WAN, '203.0.113.1/24', '');
      servers.push(py(WAN, TCP_SERVER(8080)), py(WAN, TCP_SERVER(8081)), py(WAN, UDP_SERVER));
      captures.push(tcpdump(WAN, TAP_WAN, pcap), tcpdump(VH, VETH_H, pcapVh));
      await sleep(500);
    }, 30_000);

    afterAll(async () => {
      for (const s of servers) s.kill('SIGKILL');
      for (const c of captures) c.kill('SIGKILL');
      await stopRouter(router);
      cleanup([LAN, WAN, VH], [VETH_R]);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('prints its interfaces with their addresses', () => {
      if (tapQueues > 1) {
        expect(sh('ip', ['-n', WAN, '-d', 'link', 'show', TAP_WAN])).toMatch(/multi_queue/);
        expect(inNs(WAN, ['ls', `/sys/class/net/${TAP_WAN}/queues`]).split('\n')).toContain(`rx-${tapQueues - 1}`);
      }
      expect(log).toMatch(new RegExp(`ether1\\s+tap ${TAP_LAN}\\s+02:00:00:00:01:01\\s+192\\.168\\.88\\.1/24`));
      expect(log).toMatch(new RegExp(`ether2\\s+tap ${TAP_WAN}\\s+02:00:00:00:02:01\\s+203\\.0\\.113\\.2/24`));
      if (workers > 0) expect(log).toContain(`system,info packet flow in ${workers} worker threads`);
    });

    test('the LAN host pings the router and, across it, the WAN host', () => {
      expect(inNs(LAN, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '192.168.88.1'])).toMatch(/2 received/);
      expect(inNs(LAN, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '203.0.113.1'])).toMatch(/2 received/);
    });

    test('TCP and UDP through masquerade: the server sees the router address', () => {
      const tcp = inNs(LAN, ['python3', '-c', "import socket;c=socket.create_connection(('203.0.113.1',8080),3);c.sendall(b'hello\\n');import time;time.sleep(0.2);print(c.recv(200).decode())"]);
      expect(tcp).toContain('peer 203.0.113.2');
      const udp = inNs(LAN, ['python3', '-c', "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3);s.sendto(b'x',('203.0.113.1',5353));print(s.recvfrom(100)[0].decode())"]);
      expect(udp).toBe('peer 203.0.113.2\n');
    });

    test('a filter rule blocks TCP port 8081 while 8080 passes', () => {
      const tryPort = (port: number) =>
        inNs(LAN, ['python3', '-c', `import socket\ntry:\n  socket.create_connection(('203.0.113.1',${port}),1.5);print('open')\nexcept Exception as e:\n  print('blocked')`]);
      expect(tryPort(8081)).toBe('blocked\n');
      expect(tryPort(8080)).toBe('open\n');
    });

    test('SIGHUP: a changed config is applied and an open TCP connection goes on; a broken one is refused', withLog(async () => {
      const client = py(
        LAN,
        "import socket,time\nc=socket.create_connection(('203.0.113.1',8080),3)\nprint(c.recv(100).decode().strip())\nc.sendall(b'one');print(c.recv(100).decode())\ntime.sleep(1.5)\nc.settimeout(3)\nc.sendall(b'two');print(c.recv(100).decode())",
      );
      const out = outputOf(client);
      await sleep(600);
      fs.writeFileSync(cfg, CONFIG + '/ip firewall filter\nadd chain=forward action=drop protocol=udp dst-port=9999 place-before=0\n');
      router!.kill('SIGHUP');
      await waitFor(() => log.includes('configuration reloaded'), 5000, 'the reload');
      expect(log).toMatch(/system,info configuration reloaded from .*router\.rsc, \d+ connections kept/);
      expect(await out).toBe('peer 203.0.113.2\none\ntwo\n');
      // A config that does not load: refused, logged, the router goes on.
      fs.writeFileSync(cfg, CONFIG + '/ip firewall filter\nadd chain=forward action=no-such-action\n');
      router!.kill('SIGHUP');
      await waitFor(() => log.includes('not applied'), 5000, 'the refusal');
      expect(inNs(LAN, ['ping', '-c', '1', '-W', '2', '203.0.113.1'])).toMatch(/1 received/);
    }), 20_000);

    test('a host behind a pcap port (veth, libpcap) pings the router and the WAN host, and talks TCP through masquerade', withLog(() => {
      expect(log).toMatch(new RegExp(`ether3\\s+pcap ${VETH_R}\\s+02:00:00:00:03:01\\s+10\\.3\\.0\\.1/24`));
      expect(inNs(VH, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.3.0.1'])).toMatch(/2 received/);
      expect(inNs(VH, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '203.0.113.1'])).toMatch(/2 received/);
      const tcp = inNs(VH, [
        'python3',
        '-c',
        "import socket;c=socket.create_connection(('203.0.113.1',8080),3);print(c.recv(100).decode().strip());c.sendall(b'x'*3000);n=0\nwhile n<3000: n+=len(c.recv(4000))\nprint(n)",
      ]);
      expect(tcp).toBe('peer 203.0.113.2\n3000\n');
    }));

    test('every frame captured on the WAN side and on the pcap host has valid checksums', async () => {
      await sleep(300);
      for (const c of captures) c.kill('SIGINT');
      await sleep(300);
      const wan = checksums(pcap);
      expect(wan.frames).toBeGreaterThan(10);
      expect(wan.bad).toEqual([]);
      expect(sh('tshark', ['-r', pcap, '-Y', 'ip.src == 192.168.88.10 || ip.src == 10.3.0.10'], 20_000).trim()).toBe('');
      const vh = checksums(pcapVh);
      expect(vh.frames).toBeGreaterThan(8);
      expect(vh.bad).toEqual([]);
      // The router's replies to the pcap host are there (ICMP and TCP from the WAN host, NATed back).
      const replies = sh('tshark', ['-r', pcapVh, '-Y', 'ip.src == 203.0.113.1 && tcp.len > 0'], 20_000).trim();
      if (replies === '') throw new Error(`no TCP data from the WAN host on the pcap host; capture:\n${sh('tshark', ['-r', pcapVh], 20_000)}`);
    }, 30_000);

    test('iperf3 TCP across the routed path with masquerade', async () => {
      const server = spawn('ip', ['netns', 'exec', WAN, 'iperf3', '-s', '-1', '-p', '5201'], { stdio: 'ignore' });
      servers.push(server);
      await sleep(300);
      // A sample of the bulk transfer as the WAN host receives it, for the checksum check.
      const sample = path.join(dir, 'iperf.pcap');
      const cap = tcpdump(WAN, TAP_WAN, sample, ['-c', '2000', 'tcp port 5201']);
      captures.push(cap);
      await sleep(300);
      const out = inNs(LAN, ['iperf3', '-c', '203.0.113.1', '-p', '5201', '-t', '3', '-J'], 20_000);
      const r = JSON.parse(out) as { end: { sum_received: { bits_per_second: number; bytes: number } } };
      const mbps = r.end.sum_received.bits_per_second / 1e6;
      // eslint-disable-next-line no-console
      console.log(`live e2e: iperf3 TCP through flowplane (TAPs, no offloads${opts.length > 0 ? `, ${opts.join(' ')}` : ''}): ${mbps.toFixed(0)} Mbit/s`);
      expect(r.end.sum_received.bytes).toBeGreaterThan(1e6);
      expect(mbps).toBeGreaterThan(10);
      await Promise.race([new Promise((res) => cap.once('exit', res)), sleep(2000)]);
      cap.kill('SIGINT');
      await sleep(200);
      const ck = checksums(sample);
      expect(ck.frames).toBeGreaterThan(100);
      expect(ck.bad).toEqual([]);
    }, 30_000);

    test('SIGTERM stops the router and removes its TAPs', async () => {
      router!.kill('SIGTERM');
      await Promise.race([new Promise((r) => router!.once('exit', r)), sleep(5000)]);
      expect(router!.exitCode).toBe(0);
      expect(log).toContain('router stopped');
      expect(() => sh('ip', ['-n', LAN, 'link', 'show', TAP_LAN])).toThrow();
    });
  });
}

suite(0);
suite(2);
suite(2, 2);
