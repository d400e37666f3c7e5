/**
 * `/ip settings` and the router's own listening ports, compiled for the ARP, ICMP and local-delivery stages
 * (the "ARP, ICMP and local delivery" block of FlowTables in dataplane/stages/state.ts).
 *
 * - **ARP timeouts** (`arpTimeout`, seconds per interface index): the interface's `arp-timeout`
 *   (`/interface ethernet|bridge|vlan`), `auto` (the default) = `/ip settings arp-timeout` (default 30s).
 *   This is the *base* reachable time: RouterOS (ROUTEROS-FLOW §5) and Linux (base_reachable_time →
 *   reachable_time) keep an entry REACHABLE for a random time in [t/2, 3t/2]; the dataplane draws it
 *   (FlowState, seeded, so replays repeat). `max-neighbor-entries` (default 16384) sizes the ARP table.
 * - **ICMP**: `icmp-rate-limit` (ms, default 10), `icmp-rate-mask` (default 0x1818) configure the
 *   IcmpRateLimiter (Linux icmp_ratelimit / icmp_ratemask semantics, dataplane/ip4/icmp-gen.ts);
 *   `icmp-errors-use-inbound-interface-address` (default no) picks the source of ICMP errors.
 * - **Reassembly**: `ipv4-fragment-time` (seconds; unset = Linux ipfrag_time 30) and
 *   `ipv4-high-fragment-thresh` (bytes; unset = Linux ipfrag_high_thresh 4 MiB).
 * - **Listening ports** (`listenTcp`, `listenUdp`: bitmaps of 65536 bits, bit p = port p): which ports of
 *   the router's addresses have a service, so local-in delivers there and answers elsewhere with a TCP
 *   reset or ICMP port unreachable (as Linux does for a port without a socket):
 *   - `/ip service` items that are enabled, on their `port` (TCP): telnet 23, ftp 21, www 80, ssh 22,
 *     api 8728, winbox 8291, api-ssl 8729, and www-ssl 443 only when it also has a `certificate` (RouterOS
 *     cannot serve HTTPS without one; api-ssl works without one, anonymous TLS — both UNCONFIRMED details);
 *   - `/ip dns allow-remote-requests=yes`: UDP and TCP 53;
 *   - MNDP (neighbour discovery) UDP 5678, unless `/ip neighbor discovery-settings` has
 *     `discover-interface-list=none`, no `mndp` in `protocol`, or `mode=tx-only`;
 *   - `/tool bandwidth-server` TCP 2000: the menu is not modelled, and its default is enabled (§11), so
 *     the port always listens.
 *   Kept simple on purpose: a service listens on every address of every VRF from every source (its
 *   `address=` allow-list and `vrf=` are not applied), and other daemons (DHCP, SNMP, routing protocols'
 *   sockets) are not known: a packet for them is answered as a closed port.
 *
 * Pure function of the store; values that cannot be read fall back to the defaults.
 */
import type { ConfigStore } from '../store/store';
import { parseInteger, parseSize, parseTime } from '../routeros/values';

export interface IpSettingsTables {
  /** Interface index → base ARP reachable time in seconds. */
  readonly arpTimeout: Float64Array;
  /** ARP table size (`max-neighbor-entries`). */
  readonly arpMaxEntries: number;
  /** `icmp-rate-limit`, milliseconds. */
  readonly icmpRateLimitMs: number;
  /** `icmp-rate-mask`. */
  readonly icmpRateMask: number;
  /** `icmp-errors-use-inbound-interface-address=yes`. */
  readonly icmpErrorsUseInbound: boolean;
  /** Seconds a datagram may take to reassemble. */
  readonly reassemblyTimeout: number;
  /** Bytes of fragments held before new fragments are refused. */
  readonly reassemblyMemLimit: number;
  /** Bitmap of TCP ports the router listens on (8192 bytes). */
  readonly listenTcp: Uint8Array;
  /** Bitmap of UDP ports the router listens on (8192 bytes). */
  readonly listenUdp: Uint8Array;
}

export const DEFAULT_ARP_TIMEOUT = 30;
export const DEFAULT_ICMP_RATE_LIMIT_MS = 10;
export const DEFAULT_ICMP_RATE_MASK = 0x1818;
export const DEFAULT_MAX_NEIGHBOR_ENTRIES = 16384;
export const DEFAULT_REASSEMBLY_TIMEOUT = 30;
export const DEFAULT_REASSEMBLY_MEM = 4 * 1024 * 1024;
/** MNDP's UDP port. */
export const MNDP_PORT = 5678;
/** /tool bandwidth-server's TCP control port. */
export const BTEST_PORT = 2000;

function seconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const r = parseTime(text);
  return r.ok ? r.value / 1000 : undefined;
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const r = parseInteger(text);
  return r.ok ? r.value : undefined;
}

function setBit(bits: Uint8Array, port: number): void {
  if (Number.isInteger(port) && port >= 0 && port <= 65535) bits[port >>> 3]! |= 1 << (port & 7);
}

/** Compile `/ip settings`, the interfaces' `arp-timeout` and the listening ports (see the module comment). */
export function compileIpSettings(store: ConfigStore, ifs: { readonly names: readonly string[]; readonly byName: ReadonlyMap<string, number> }): IpSettingsTables {
  const st = store.table('/ip settings');
  const s = st?.items[0];
  const get = (k: string): string | undefined => (st && s ? st.value(s, k) : undefined);

  const globalArp = seconds(get('arp-timeout'));
  const base = globalArp !== undefined && globalArp > 0 ? globalArp : DEFAULT_ARP_TIMEOUT;
  const arpTimeout = new Float64Array(ifs.names.length).fill(base);
  for (const path of ['/interface ethernet', '/interface bridge', '/interface vlan']) {
    const t = store.table(path);
    for (const item of t?.items ?? []) {
      const i = ifs.byName.get(t!.value(item, 'name') ?? '');
      if (i === undefined) continue;
      const v = t!.value(item, 'arp-timeout');
      if (v === undefined || v === 'auto') continue;
      const sec = seconds(v);
      if (sec !== undefined && sec > 0) arpTimeout[i] = sec;
    }
  }

  const maxN = integer(get('max-neighbor-entries'));
  const rate = integer(get('icmp-rate-limit'));
  const mask = integer(get('icmp-rate-mask'));
  const fragTime = integer(get('ipv4-fragment-time'));
  const fragText = get('ipv4-high-fragment-thresh');
  const fragMem = fragText === undefined ? undefined : parseSize(fragText);

  const listenTcp = new Uint8Array(8192);
  const listenUdp = new Uint8Array(8192);
  const svc = store.table('/ip service');
  for (const item of svc?.items ?? []) {
    if (svc!.disabled(item)) continue;
    const name = svc!.value(item, 'name');
    if (name === 'www-ssl' && (svc!.value(item, 'certificate') ?? 'none') === 'none') continue;
    const port = integer(svc!.value(item, 'port'));
    if (port !== undefined) setBit(listenTcp, port);
  }
  const dt = store.table('/ip dns');
  const d = dt?.items[0];
  if (dt && d && dt.value(d, 'allow-remote-requests') === 'yes') {
    setBit(listenTcp, 53);
    setBit(listenUdp, 53);
  }
  const nt = store.table('/ip neighbor discovery-settings');
  const n = nt?.items[0];
  const nget = (k: string): string | undefined => (nt && n ? nt.value(n, k) : undefined);
  const protocols = (nget('protocol') ?? 'cdp,lldp,mndp').split(',');
  if ((nget('discover-interface-list') ?? 'static') !== 'none' && protocols.includes('mndp') && nget('mode') !== 'tx-only') setBit(listenUdp, MNDP_PORT);
  setBit(listenTcp, BTEST_PORT);

  return {
    arpTimeout,
    arpMaxEntries: maxN !== undefined && maxN >= 1 ? Math.min(maxN, 1 << 24) : DEFAULT_MAX_NEIGHBOR_ENTRIES,
    icmpRateLimitMs: rate !== undefined && rate >= 0 ? rate : DEFAULT_ICMP_RATE_LIMIT_MS,
    icmpRateMask: mask !== undefined ? mask >>> 0 : DEFAULT_ICMP_RATE_MASK,
    icmpErrorsUseInbound: get('icmp-errors-use-inbound-interface-address') === 'yes',
    reassemblyTimeout: fragTime !== undefined && fragTime > 0 ? fragTime : DEFAULT_REASSEMBLY_TIMEOUT,
    reassemblyMemLimit: fragMem?.ok && fragMem.value > 0 ? fragMem.value : DEFAULT_REASSEMBLY_MEM,
    listenTcp,
    listenUdp,
  };
}
