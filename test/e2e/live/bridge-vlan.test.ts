/**
 * `flowplane run` as a VLAN-filtering switch with a router on it, end to end with real Linux hosts:
 *
 *   a  (10.10.0.10) ── tap ether1  access, pvid 10 ─┐
 *   c  (10.20.0.30) ── tap ether3  access, pvid 20 ─┤ bridge1 (vlan-filtering=yes)
 *   s: trunk switch ── tap ether2  trunk, 10 and 20 ─┘   vlan10 10.10.0.1/24, vlan20 10.20.0.1/24
 *      ├─ veth, VLAN 10 ── t1 (10.10.0.20)
 *      └─ veth, VLAN 20 ── t2 (10.20.0.20)
 *
 * Behind the trunk, namespace s is a small switch: tagged frames from the TAP leave untagged on the veth of
 * their VLAN, frames from a veth go up the trunk with that VLAN's tag (VLAN_SWITCH below: AF_PACKET, the tag
 * read from PACKET_AUXDATA as the kernel strips it). A Python switch because this machine's kernel has no
 * 802.1Q at all (no 8021q module, no bridge vlan_filtering, no tc vlan action), so hosts cannot have VLAN
 * sub-interfaces; t1 and t2 are plain Linux hosts, as the hosts behind a real trunk switch are.
 *
 * Checked: a and t1 talk across the bridge in VLAN 10 (untagged on the access port, tagged on the trunk: the
 * trunk capture shows the tags); c and t2 in VLAN 20 the same way; the router answers on vlan10 and, through
 * the trunk, on vlan20, and routes between them (a to c); VLANs stay apart (a with an address in c's subnet
 * gets no ARP answer: VLAN 10's broadcast never reaches VLAN 20's ports); TCP across the bridge and across
 * the router; every frame captured on the trunk and on c has valid checksums.
 *
 * Names start with `fpv<pid>`; afterAll removes the namespaces and stops the router whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checksums, cleanup, inNs, liveUsable, ROOT, sh, sleep, tcpdump } from './lib';

const P = `fpv${process.pid}`;
const NS = { a: `${P}a`, s: `${P}s`, c: `${P}c`, t1: `${P}t1`, t2: `${P}t2` };
const TAP = { a: `${P}ta`, s: `${P}ts`, c: `${P}tc` };
const maybe = liveUsable('bridge/VLAN') ? describe : describe.skip;

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:02
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:03
/interface bridge
add name=bridge1 admin-mac=02:00:00:00:b0:01 auto-mac=no vlan-filtering=yes
/interface bridge port
add bridge=bridge1 interface=ether1 pvid=10 frame-types=admit-only-untagged-and-priority-tagged
add bridge=bridge1 interface=ether2 frame-types=admit-only-vlan-tagged
add bridge=bridge1 interface=ether3 pvid=20 frame-types=admit-only-untagged-and-priority-tagged
/interface bridge vlan
add bridge=bridge1 vlan-ids=10 tagged=bridge1,ether2 untagged=ether1
add bridge=bridge1 vlan-ids=20 tagged=bridge1,ether2 untagged=ether3
/interface vlan
add interface=bridge1 name=vlan10 vlan-id=10
add interface=bridge1 name=vlan20 vlan-id=20
/ip address
add address=10.10.0.1/24 interface=vlan10 network=10.10.0.0
add address=10.20.0.1/24 interface=vlan20 network=10.20.0.0
`;

/** A TCP echo server that first says who connected (one connection at a time). */
const TCP_SERVER = `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8080)); s.listen(8)
while True:
    c, a = s.accept()
    try:
        c.sendall(('peer ' + a[0] + '\\n').encode())
        while True:
            d = c.recv(4096)
            if not d: break
            c.sendall(d)
    except OSError:
        pass  # a reset connection: serve the next one
    c.close()
`;
/**
 * The trunk switch: argv[1] the trunk device, then VID=DEVICE per access side. Outgoing frames (our own
 * sends, PACKET_OUTGOING) are skipped; the VLAN of a trunk frame comes from PACKET_AUXDATA (the kernel
 * strips the tag on receive) or, failing that, from the tag still in the frame.
 */
const VLAN_SWITCH = `
import socket, struct, select, sys
SOL_PACKET, PACKET_AUXDATA, VLAN_VALID, OUTGOING = 263, 8, 1 << 4, 4
def sock(dev, aux=False):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); s.bind((dev, 0))
    if aux: s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    return s
trunk = sock(sys.argv[1], True)
access = {int(v): sock(d) for v, d in (a.split('=') for a in sys.argv[2:])}
vid_of = {s.fileno(): v for v, s in access.items()}
print('ready', flush=True)
while True:
    for s in select.select([trunk] + list(access.values()), [], [])[0]:
        if s is trunk:
            data, anc, _, addr = trunk.recvmsg(65536, socket.CMSG_SPACE(20))
            if addr[2] == OUTGOING: continue
            vid = None
            for lvl, typ, d in anc:
                if lvl == SOL_PACKET and typ == PACKET_AUXDATA:
                    st, _, _, _, _, tci, _ = struct.unpack('IIIHHHH', d[:20])
                    if st & VLAN_VALID: vid = tci & 0xfff
            if vid is None and data[12:14] == b'\\x81\\x00':
                vid = struct.unpack('!H', data[14:16])[0] & 0xfff; data = data[:12] + data[16:]
            if vid in access: access[vid].send(data)
        else:
            data, addr = s.recvfrom(65536)
            if addr[2] == OUTGOING: continue
            trunk.send(data[:12] + struct.pack('!HH', 0x8100, vid_of[s.fileno()]) + data[12:])
`;

/** Connect, send 20 kB, read it back: prints the server's peer line and the byte count. */
const tcpClient = (addr: string) =>
  `import socket\nc=socket.create_connection(('${addr}',8080),3)\nc.settimeout(5)\nl=b''\nwhile not l.endswith(b'\\n'): l+=c.recv(1)\nprint(l.decode().strip())\nc.sendall(b'y'*20000)\nn=0\nwhile n<20000: n+=len(c.recv(65536))\nprint(n)`;

maybe('flowplane run as a VLAN-filtering bridge with a trunk', () => {
  let router: ChildProcess | null = null;
  let log = '';
  const procs: ChildProcess[] = [];
  const captures: ChildProcess[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpv-'));
  const cfg = path.join(dir, 'router.rsc');
  const trunkPcap = path.join(dir, 'trunk.pcap');
  const cPcap = path.join(dir, 'c.pcap');

  async function waitFor(what: () => boolean, ms: number, label: string): Promise<void> {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${label}; router log:\n${log}`);
      await sleep(25);
    }
  }

  beforeAll(async () => {
    fs.writeFileSync(cfg, CONFIG);
    router = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/flowplane'), 'run', '--config', cfg, '--tap', `ether1=${TAP.a}`, '--tap', `ether2=${TAP.s}`, '--tap', `ether3=${TAP.c}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    router.stdout!.on('data', (d) => (log += d));
    router.stderr!.on('data', (d) => (log += d));
    await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
    for (const ns of Object.values(NS)) {
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    for (const h of ['a', 's', 'c'] as const) {
      sh('ip', ['link', 'set', TAP[h], 'netns', NS[h]]);
      sh('ip', ['-n', NS[h], 'link', 'set', TAP[h], 'up']);
    }
    sh('ip', ['-n', NS.a, 'addr', 'add', '10.10.0.10/24', 'dev', TAP.a]);
    sh('ip', ['-n', NS.a, 'route', 'add', 'default', 'via', '10.10.0.1']);
    sh('ip', ['-n', NS.c, 'addr', 'add', '10.20.0.30/24', 'dev', TAP.c]);
    sh('ip', ['-n', NS.c, 'route', 'add', 'default', 'via', '10.20.0.1']);
    // t1, t2 behind the switch: veth pairs with offloads off (the switch moves frames as they are).
    for (const [h, vid, addr, gw] of [
      ['t1', 10, '10.10.0.20/24', '10.10.0.1'],
      ['t2', 20, '10.20.0.20/24', '10.20.0.1'],
    ] as const) {
      const sw = `${P}v${vid}`;
      sh('ip', ['-n', NS.s, 'link', 'add', sw, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS[h]]);
      for (const [ns, dev] of [
        [NS.s, sw],
        [NS[h], 'eth0'],
      ]) {
        inNs(ns!, ['ethtool', '-K', dev!, 'gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off', 'rx', 'off']);
        sh('ip', ['-n', ns!, 'link', 'set', dev!, 'up']);
      }
      sh('ip', ['-n', NS[h], 'addr', 'add', addr, 'dev', 'eth0']);
      sh('ip', ['-n', NS[h], 'route', 'add', 'default', 'via', gw]);
    }
    const sw = spawn('ip', ['netns', 'exec', NS.s, 'python3', '-u', '-c', VLAN_SWITCH, TAP.s, `10=${P}v10`, `20=${P}v20`], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(sw);
    let swOut = '';
    sw.stdout!.on('data', (d) => (swOut += d));
    sw.stderr!.on('data', (d) => (swOut += d));
    await waitFor(() => swOut.includes('ready'), 5000, 'the trunk switch');
    procs.push(spawn('ip', ['netns', 'exec', NS.t1, 'python3', '-u', '-c', TCP_SERVER], { stdio: 'ignore' }));
    procs.push(spawn('ip', ['netns', 'exec', NS.c, 'python3', '-u', '-c', TCP_SERVER], { stdio: 'ignore' }));
    captures.push(tcpdump(NS.s, TAP.s, trunkPcap), tcpdump(NS.c, TAP.c, cPcap));
    await sleep(500);
  }, 30_000);

  afterAll(async () => {
    for (const p of [...procs, ...captures]) p.kill('SIGKILL');
    if (router !== null && router.exitCode === null) {
      router.kill('SIGTERM');
      await Promise.race([new Promise((r) => router!.once('exit', r)), sleep(3000)]);
      if (router.exitCode === null) router.kill('SIGKILL');
    }
    cleanup(Object.values(NS));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('access host a and t1 behind the trunk talk in VLAN 10 across the bridge; c and t2 in VLAN 20', () => {
    expect(inNs(NS.a, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.10.0.20'])).toMatch(/2 received/);
    expect(inNs(NS.c, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.20.0.20'])).toMatch(/2 received/);
    // TCP across the bridge: the server on t1 sees a's own address (bridged, nothing rewritten).
    expect(inNs(NS.a, ['python3', '-c', tcpClient('10.10.0.20')])).toBe('peer 10.10.0.10\n20000\n');
  });

  test('the router answers on vlan10 and, through the trunk, on vlan20, and routes between them', () => {
    expect(inNs(NS.a, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.10.0.1'])).toMatch(/2 received/);
    expect(inNs(NS.t2, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.20.0.1'])).toMatch(/2 received/);
    // a (VLAN 10) to c (VLAN 20): bridged up to vlan10, routed, out vlan20, bridged to c's access port.
    const ping = inNs(NS.a, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.20.0.30']);
    expect(ping).toMatch(/2 received/);
    expect(ping).toMatch(/ttl=63/);
    expect(inNs(NS.a, ['python3', '-c', tcpClient('10.20.0.30')])).toBe('peer 10.10.0.10\n20000\n');
    // t1 (VLAN 10, tagged on the trunk) to t2 (VLAN 20, tagged on the trunk): routed, in and out one port.
    expect(inNs(NS.t1, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '10.20.0.20'])).toMatch(/2 received/);
  });

  test('VLANs stay apart: a with an address in VLAN 20 subnet gets no answer from c', () => {
    sh('ip', ['-n', NS.a, 'addr', 'add', '10.20.0.99/24', 'dev', TAP.a]);
    try {
      expect(() => inNs(NS.a, ['ping', '-c', '1', '-W', '1', '10.20.0.30'])).toThrow();
    } finally {
      sh('ip', ['-n', NS.a, 'addr', 'del', '10.20.0.99/24', 'dev', TAP.a]);
    }
  });

  test('the trunk carries 802.1Q tags 10 and 20, c gets untagged frames, and every checksum is valid', async () => {
    await sleep(300);
    for (const c of captures) c.kill('SIGINT');
    await sleep(300);
    const vids = sh('tshark', ['-r', trunkPcap, '-Y', 'vlan', '-T', 'fields', '-e', 'vlan.id'], 20_000).trim().split('\n');
    expect(new Set(vids)).toEqual(new Set(['10', '20']));
    expect(sh('tshark', ['-r', trunkPcap, '-Y', 'ip && !vlan'], 20_000).trim()).toBe('');
    expect(sh('tshark', ['-r', cPcap, '-Y', 'vlan'], 20_000).trim()).toBe('');
    // The frames of a's VLAN 20 address never reached c (only the router's answers to it could).
    expect(sh('tshark', ['-r', cPcap, '-Y', 'arp.src.proto_ipv4 == 10.20.0.99'], 20_000).trim()).toBe('');
    for (const f of [trunkPcap, cPcap]) {
      const ck = checksums(f);
      expect(ck.frames).toBeGreaterThan(10);
      expect(ck.bad).toEqual([]);
    }
  }, 30_000);
});
