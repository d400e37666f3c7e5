/**
 * Loading a big configuration: a generated 100k-line script (50k address-list entries, 10k firewall rules,
 * 10k simple queues, 20k routes, bridges, VLANs, bridge ports and VLAN table entries, addresses) parsed,
 * executed against the menu schemas and validated into a fresh router (`loadConfig`). Target from the
 * [control] issue: the whole file in ≤ 1 s (100k lines/s) and ≤ 200 MB.
 *
 * The case is slow per call, so it runs a few samples only. Run this file directly for a one-off measure
 * of time and memory: `npm run build && node dist/bench/micro/config-load.js`.
 */
import { sink, type AddBench } from '../harness';
import { RouterInstance } from '../../control/instance/router';

const VLANS = 3300;

/** The generated configuration (deterministic). */
export function bigConfig(): { text: string; lines: number } {
  const out: string[] = [];
  const ip = (n: number, base: number) => `${base}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

  // Layer 2: 4 bridges, 3300 VLAN interfaces, ports and the VLAN table, an address per VLAN.
  out.push('/interface bridge');
  for (let b = 1; b <= 4; b++) out.push(`add name=br${b} vlan-filtering=yes comment="bridge ${b}"`);
  out.push('/interface vlan');
  for (let v = 1; v <= VLANS; v++) out.push(`add name=vlan${v} vlan-id=${v + 1} interface=br${((v - 1) % 4) + 1}`);
  out.push('/interface list');
  out.push('add name=LAN', 'add name=WAN');
  out.push('/interface bridge port');
  for (let p = 2; p <= 8; p++) out.push(`add bridge=br${((p - 2) % 4) + 1} interface=ether${p} pvid=${p}`);
  out.push('/interface bridge vlan');
  for (let v = 1; v <= VLANS; v++) out.push(`add bridge=br${((v - 1) % 4) + 1} tagged=br${((v - 1) % 4) + 1},ether${((v - 1) % 7) + 2} vlan-ids=${v + 1}`);
  out.push('/interface list member');
  out.push('add list=WAN interface=ether1');
  for (let b = 1; b <= 4; b++) out.push(`add list=LAN interface=br${b}`);
  out.push('/ip address');
  out.push('add address=203.0.113.2/24 interface=ether1');
  for (let v = 1; v <= VLANS; v++) out.push(`add address=10.${v >> 8}.${v & 255}.1/24 interface=vlan${v}`);

  // 50k address-list entries in 100 lists.
  out.push('/ip firewall address-list');
  for (let k = 0; k < 50_000; k++) out.push(`add address=${ip(k, 100)} list=list${k % 100}${k % 10 === 0 ? ` comment="entry ${k}"` : ''}`);

  // 10k firewall rules (filter, nat, mangle), with user chains reached by jumps.
  out.push('/ip firewall filter');
  out.push('add action=accept chain=forward connection-state=established,related');
  for (let c = 0; c < 20; c++) out.push(`add action=jump chain=forward jump-target=user${c} in-interface=vlan${c + 1}`);
  for (let k = 0; k < 7_000; k++) {
    const proto = k % 2 === 0 ? 'tcp' : 'udp';
    out.push(
      `add action=${k % 3 === 0 ? 'drop' : 'accept'} chain=user${k % 20} protocol=${proto} dst-port=${1000 + (k % 5000)} src-address-list=list${k % 100} dst-address=${ip(k, 10)}/32 comment="rule ${k}"`,
    );
  }
  out.push('/ip firewall nat');
  for (let k = 0; k < 1_500; k++) out.push(`add action=dst-nat chain=dstnat dst-port=${20000 + k} in-interface-list=WAN protocol=tcp to-addresses=${ip(k, 10)} to-ports=80`);
  out.push('/ip firewall mangle');
  for (let k = 0; k < 1_479; k++) out.push(`add action=mark-packet chain=forward new-packet-mark=m${k % 50} passthrough=no src-address=${ip(k, 10)}`);

  // 10k simple queues.
  out.push('/queue simple');
  for (let k = 0; k < 10_000; k++) out.push(`add max-limit=${1 + (k % 50)}M/${10 + (k % 50)}M name=q${k} target=${ip(k, 10)}/32`);

  // 20k routes.
  out.push('/routing table');
  out.push('add fib name=alt');
  out.push('/ip route');
  for (let k = 0; k < 20_000; k++) out.push(`add distance=${1 + (k % 5)} dst-address=${ip(k * 4, 172)}/30 gateway=203.0.113.1${k % 7 === 0 ? ' routing-table=alt' : ''}`);
  out.push('/system identity', 'set name=big');
  return { text: out.join('\n') + '\n', lines: out.length };
}

let cached: { text: string; lines: number } | undefined;

function loadOnce(): number {
  cached ??= bigConfig();
  const r = new RouterInstance({ name: 'bench' });
  const res = r.load(cached.text, 'big.rsc');
  if (!res.ok) throw new Error(`generated config has errors: ${res.errors.slice(0, 3).map(String).join('; ')}`);
  return res.stats.accepted;
}

/** Lines bigConfig() makes (kept in step with it; checked on the first call), so registering costs nothing. */
const LINES = 5 + (1 + VLANS) + 3 + 8 + (1 + VLANS) + 6 + (2 + VLANS) + 50_001 + 7_022 + 1_501 + 1_480 + 10_001 + 2 + 20_001 + 2;

export function register(add: AddBench): void {
  const fn = () => {
    cached ??= bigConfig();
    if (cached.lines !== LINES) throw new Error(`bench/micro/config-load: LINES is ${LINES}, the config has ${cached.lines}`);
    sink.n += loadOnce();
  };
  add(`loadConfig, generated ${Math.round(LINES / 1000)}k-line config`, fn, LINES, 'lines', 100e3, { minSamples: 3, maxTime: 5 });
}

if (require.main === module) {
  const t0 = process.hrtime.bigint();
  const g = bigConfig();
  const t1 = process.hrtime.bigint();
  global.gc?.();
  const before = process.memoryUsage();
  const r = new RouterInstance({ name: 'bench' });
  const t2 = process.hrtime.bigint();
  const res = r.load(g.text, 'big.rsc');
  const t3 = process.hrtime.bigint();
  const peak = process.memoryUsage();
  global.gc?.();
  const after = process.memoryUsage();
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  console.log(`generated ${g.lines} lines (${mb(g.text.length)} of text) in ${Number(t1 - t0) / 1e6} ms`);
  console.log(`loadConfig: ${res.ok ? 'ok' : `${res.errors.length} errors, first: ${res.errors[0]}`}; ${res.stats.accepted} accepted`);
  console.log(`time ${(Number(t3 - t2) / 1e6).toFixed(0)} ms (${((g.lines / Number(t3 - t2)) * 1e9 / 1e3).toFixed(0)}k lines/s)`);
  console.log(`heap before ${mb(before.heapUsed)}, right after load ${mb(peak.heapUsed)}, retained after gc ${mb(after.heapUsed)}; rss ${mb(peak.rss)}`);
  if (r.store.tables.size === 0) console.log('');
}
