/** Test helpers: a router from config text, its flow, and a replay of captures through it. */
import { RouterInstance } from '../../../control/instance/router';
import { compileGeneration, type Generation } from '../../../control/compile/generation';
import { Flow, type FlowOptions } from '../../../dataplane/flow';
import { PacketPool } from '../../../dataplane/buf/pool';
import { ReplaySource, type ReplayInput } from '../../../dataplane/ports/replay';
import { replayThroughFlow, type InputRecord, type TransmitRecord } from '../../../dataplane/ports/flow-replay';
import { openCapture } from '../../../pcap/reader';
import { DROP_NAMES } from '../../../dataplane/drop';

export function generationFrom(config: string): Generation {
  const r = new RouterInstance();
  const res = r.load(config, 'config.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return compileGeneration(r.store);
}

export interface ReplayOutcome {
  flow: Flow;
  inputs: InputRecord[];
  outputs: TransmitRecord[];
  /** Final fate per input serial: [fate, arg]. */
  finals: Map<number, [number, number]>;
}

/** Replay captures (`iface -> file or bytes`) through a flow of `gen`. */
export function replay(gen: Generation, captures: Record<string, string | Uint8Array>, opts: FlowOptions = {}): ReplayOutcome {
  const pool = opts.pool ?? new PacketPool({ slots: 512 });
  const flow = new Flow(gen, { ...opts, pool });
  const inputs: ReplayInput[] = Object.entries(captures).map(([iface, c]) => {
    const port = gen.portNames.indexOf(iface);
    if (port < 0) throw new Error(`no port ${iface}`);
    return { port, reader: openCapture(c) };
  });
  const src = new ReplaySource(pool, inputs);
  const out: ReplayOutcome = { flow, inputs: [], outputs: [], finals: new Map() };
  replayThroughFlow(flow, src, {
    trace: !!opts.trace,
    onInput: (r) => out.inputs.push(r),
    onTransmit: (t) => out.outputs.push(t),
    onFinal: (s, f, a) => out.finals.set(s, [f, a]),
  });
  for (const i of inputs) i.reader.close();
  return out;
}

export interface Sent {
  port: string;
  frame: Uint8Array;
}

/**
 * A flow with a direct feed: `feed(port, frame, ms)` runs one frame at capture time `ms` and returns its
 * final fate text (`tx ether2`, `local`, `drop no-route`, `queued`); `sent` collects transmitted frames.
 */
export function harness(gen: Generation, opts: FlowOptions = {}) {
  const pool = opts.pool ?? new PacketPool({ slots: 256 });
  const sent: Sent[] = [];
  const flow = new Flow(gen, { ...opts, pool });
  flow.state.transmit = (slot, port) => {
    sent.push({ port: gen.portNames[port]!, frame: pool.frameCopy(slot) });
    pool.free(slot);
  };
  const finals = new Map<number, string>();
  flow.state.onFate = (s, f, a) => {
    if (f < 4) finals.set(s, fateText(gen, f, a)); // 4 = QUEUED, 5 = HELD: not final
  };
  let serial = 0;
  const one = new Uint32Array(1);
  function feed(port: string, frame: Uint8Array, ms = 0): string {
    const slot = pool.alloc();
    if (slot < 0) throw new Error('pool exhausted');
    pool.write(slot, frame, 0, frame.length);
    pool.meta.inPort[slot] = gen.portNames.indexOf(port);
    pool.meta.linkType[slot] = 1;
    const sec = Math.floor(ms / 1000);
    flow.setClock(1_700_000_000 + sec, Math.round((ms - sec * 1000) * 1e6));
    flow.state.serial[slot] = ++serial;
    one[0] = slot;
    flow.receive(one, 1);
    return finals.get(serial) ?? 'queued';
  }
  return { flow, pool, sent, finals, feed, fateOf: (s: number) => finals.get(s) };
}

export function fateText(gen: Generation, f: number, a: number): string {
  if (f === 3) return `drop ${DROP_NAMES[a]}`;
  if (f === 1) return `tx ${gen.portNames[a]}`;
  if (f === 2) return 'local';
  return `fate ${f}`;
}

/**
 * The two-port office router many firewall tests start from: ether1 is the WAN, 203.0.113.2/`wanLen` with
 * the default route to 203.0.113.1; ether2 the LAN, 192.168.88.1/24 with the host 192.168.88.10; static ARP
 * for both neighbours. Ends inside `/ip arp`, so a test can add more neighbours before its own menus.
 */
export function officeRouter(o: { wanLen?: number; wanMac?: string; lanMac?: string; gwMac?: string; hostMac?: string } = {}): string {
  return `
/interface ethernet
set [ find default-name=ether1 ] mac-address=${o.wanMac ?? '02:F1:00:00:00:01'}
set [ find default-name=ether2 ] mac-address=${o.lanMac ?? '02:F1:00:00:00:02'}
/ip address
add address=203.0.113.2/${o.wanLen ?? 30} interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=${o.gwMac ?? '02:00:5E:00:00:01'}
add address=192.168.88.10 interface=ether2 mac-address=${o.hostMac ?? '02:00:00:00:88:0A'}
`;
}
