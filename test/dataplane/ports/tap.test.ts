/**
 * TAP ports on a real device (root only; skipped with a printed reason otherwise, never in CI): a TAP made
 * by the addon is up, survives being moved into another network namespace, reads the frames the kernel
 * sends there (the namespace's ARP request) straight into pool slots, and the kernel takes frames written to
 * it (an ARP reply: the namespace's neighbour table learns it). Closing removes the device.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { PacketPool } from '../../../dataplane/buf/pool';
import { TapPort, loadTapAddon, TunFeature } from '../../../dataplane/ports/tap';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';

const root = process.getuid?.() === 0 && fs.existsSync('/dev/net/tun');
const ns = `fpt${process.pid}`;
const dev = `fpt${process.pid}t`;
const sh = (...a: string[]) => execFileSync(a[0]!, a.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

if (!root) {
  if (process.env.CI) throw new Error('TAP tests need root and /dev/net/tun in CI');
  // eslint-disable-next-line no-console
  console.log('tap.test: skipped (needs root and /dev/net/tun)');
}
const maybe = root ? describe : describe.skip;

maybe('TapPort', () => {
  let tap: TapPort | null = null;
  afterAll(() => {
    tap?.close();
    try {
      sh('ip', 'netns', 'del', ns);
    } catch {
      /* not there */
    }
  });

  test('the kernel reports TAP, vnet_hdr and multi-queue support', () => {
    const f = loadTapAddon().features();
    expect(f & TunFeature.TAP).toBe(TunFeature.TAP);
    expect(f & TunFeature.VNET_HDR).toBe(TunFeature.VNET_HDR);
  });

  test('moved into a namespace, it carries frames both ways; closing removes it', async () => {
    tap = new TapPort(dev);
    expect(tap.device).toBe(dev);
    expect(sh('ip', '-o', 'link', 'show', dev)).toMatch(/[<,]UP[,>]/);
    sh('ip', 'netns', 'add', ns);
    sh('ip', 'link', 'set', dev, 'netns', ns);
    sh('ip', '-n', ns, 'addr', 'add', '10.99.0.2/24', 'dev', dev);
    sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    // The namespace pings a neighbour: the kernel sends an ARP request out of the TAP, to us.
    try {
      sh('ip', 'netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', '10.99.0.1');
    } catch {
      /* no answer yet: expected */
    }
    const pool = new PacketPool({ slots: 64 });
    const out = new Uint32Array(64);
    let got: string[] = [];
    for (let i = 0; i < 50 && got.length === 0; i++) {
      const n = tap.read(pool, out, 0, 64);
      for (let k = 0; k < n; k++) {
        const s = out[k]!;
        got.push(describeFrame(pool.bytes, pool.frameOffset(s), pool.meta.len[s]!, 1));
        pool.free(s);
      }
      got = got.filter((g) => g.startsWith('ARP'));
      if (got.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(got[0]).toBe('ARP, Request who-has 10.99.0.1 tell 10.99.0.2, length 28');
    // Answer it: the namespace learns 10.99.0.1.
    const nsMac = sh('ip', '-n', ns, '-o', 'link', 'show', dev).match(/link\/ether ([0-9a-f:]+)/)![1]!;
    const reply = frame().eth({ src: '02:00:00:99:00:01', dst: nsMac }).arp({ op: 'reply', senderMac: '02:00:00:99:00:01', senderIp: '10.99.0.1', targetMac: nsMac, targetIp: '10.99.0.2' }).build();
    const s = pool.alloc();
    pool.write(s, reply, 0, reply.length);
    out[0] = s;
    expect(tap.write(pool, out, 1)).toBe(1);
    pool.free(s);
    let neigh = '';
    for (let i = 0; i < 50 && !neigh.includes('02:00:00:99:00:01'); i++) {
      neigh = sh('ip', '-n', ns, 'neigh', 'show', '10.99.0.1');
      if (!neigh.includes('02:00:00:99:00:01')) await new Promise((r) => setTimeout(r, 20));
    }
    expect(neigh).toContain('lladdr 02:00:00:99:00:01');
    tap.close();
    tap = null;
    expect(() => sh('ip', '-n', ns, 'link', 'show', dev)).toThrow();
  });
});

maybe('TapPort with several queues (IFF_MULTI_QUEUE)', () => {
  const mns = `fpq${process.pid}`;
  const mdev = `fpq${process.pid}t`;
  let tap: TapPort | null = null;
  afterAll(() => {
    tap?.close();
    try {
      sh('ip', 'netns', 'del', mns);
    } catch {
      /* not there */
    }
  });

  test('opens N queues of one device, reads what the kernel spreads over them, writes frames over them (all taken, slots kept)', async () => {
    tap = new TapPort(mdev, { queues: 2 });
    expect(tap.fds.length).toBe(2);
    expect(sh('ip', '-d', 'link', 'show', mdev)).toMatch(/multi_queue/);
    sh('ip', 'netns', 'add', mns);
    sh('ip', 'link', 'set', mdev, 'netns', mns);
    sh('ip', '-n', mns, 'addr', 'add', '10.98.0.2/24', 'dev', mdev);
    sh('ip', '-n', mns, 'link', 'set', mdev, 'up');
    sh('ip', '-n', mns, 'neigh', 'add', '10.98.0.1', 'lladdr', '02:00:00:98:00:01', 'dev', mdev);
    // 64 UDP flows (different source ports) from the namespace: tun spreads them over the queues by hash
    const FLOWS = 64;
    const sendFlows = () =>
      sh('ip', 'netns', 'exec', mns, 'python3', '-c', `import socket\nfor p in range(${FLOWS}):\n  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('10.98.0.2', 20000+p)); s.sendto(b'x', ('10.98.0.1', 9)); s.close()`);
    const isFlow = (pool: PacketPool, s: number) => describeFrame(pool.bytes, pool.frameOffset(s), pool.meta.len[s]!, 1).includes('> 10.98.0.1.9: UDP');
    const pool = new PacketPool({ slots: 256 });
    const out = new Uint32Array(256);
    // each queue read on its own (the addon on each fd): both got some, together all
    sendFlows();
    await new Promise((r) => setTimeout(r, 100));
    const addon = loadTapAddon();
    const perQueue = tap.fds.map((fd) => {
      const offs = new Int32Array(128);
      const lens = new Int32Array(128);
      const slots: number[] = [];
      for (let i = 0; i < 128; i++) {
        slots.push(pool.alloc());
        offs[i] = pool.frameOffset(slots[i]!);
      }
      const n = Math.max(0, addon.readBatch(fd, pool.bytes, offs, pool.maxFrame, lens, 128));
      let flows = 0;
      for (let i = 0; i < n; i++) {
        pool.meta.len[slots[i]!] = lens[i]!;
        if (isFlow(pool, slots[i]!)) flows++;
      }
      for (const s of slots) pool.free(s);
      return flows;
    });
    expect(perQueue[0]).toBeGreaterThan(0);
    expect(perQueue[1]).toBeGreaterThan(0);
    expect(perQueue[0]! + perQueue[1]!).toBe(FLOWS);
    // through the port: one read goes round the queues and gets them all
    sendFlows();
    await new Promise((r) => setTimeout(r, 100));
    let got = 0;
    for (let n = tap.read(pool, out, 0, 256); n > 0; n = tap.read(pool, out, 0, 256)) {
      for (let i = 0; i < n; i++) {
        if (isFlow(pool, out[i]!)) got++;
        pool.free(out[i]!);
      }
    }
    expect(got).toBe(FLOWS);
    // writing: 64 frames of different flows all taken (spread over both queues), the slots kept (reordered)
    const rxBefore = Number(/RX:.*\n\s+(\d+)\s+(\d+)/.exec(sh('ip', '-n', mns, '-s', 'link', 'show', mdev))![2]);
    const nsMac = sh('ip', '-n', mns, '-o', 'link', 'show', mdev).match(/link\/ether ([0-9a-f:]+)/)![1]!;
    const written: number[] = [];
    for (let p = 0; p < FLOWS; p++) {
      const f = frame().eth({ src: '02:00:00:98:00:01', dst: nsMac }).ipv4({ src: '10.98.0.1', dst: '10.98.0.2', ttl: 64 }).udp({ sport: 9, dport: 30000 + p }).payload(new Uint8Array(4)).build();
      const s = pool.alloc();
      pool.write(s, f, 0, f.length);
      out[p] = s;
      written.push(s);
    }
    expect(tap.write(pool, out, FLOWS)).toBe(FLOWS);
    expect([...out.subarray(0, FLOWS)].sort((a, b) => a - b)).toEqual(written.sort((a, b) => a - b));
    for (let i = 0; i < FLOWS; i++) pool.free(out[i]!);
    const rxAfter = Number(/RX:.*\n\s+(\d+)\s+(\d+)/.exec(sh('ip', '-n', mns, '-s', 'link', 'show', mdev))![2]);
    expect(rxAfter - rxBefore).toBe(FLOWS);
    tap.close();
    tap = null;
    expect(() => sh('ip', '-n', mns, 'link', 'show', mdev)).toThrow();
  });
});
