/**
 * The firewall's mutable state in one router's flow: the connection table, the address lists (static entries
 * plus what rules add), each table's rule counters and matcher state, the walkers, and per-slot columns the
 * firewall stages share (the packet's connection ref, its connection state, what the rules asked for).
 * Nothing global: several routers in one process each have their own.
 */
import { EinMappings } from '../conntrack/ein';
import { ConnTable, CtStatus } from '../conntrack/table';
import { AddressLists } from '../tables/address-list';
import { FwState } from './match';
import { FwWalker } from './walk';
import { sharedRules, type SharedRuleBuffers } from './shared-rules';
import { M, PF, R, type FwTable } from './rules';
import { ConnExtra, l7RegExp } from './conn-extra';
import { conntrackOn, type FirewallTables } from './tables';
import type { DropListener } from '../graph';
import type { LogSink } from '../log-sink';

/** Per-slot firewall flags (`FirewallState.slotFlags`). */
export const SF = {
  /** The slot's connection entry is unconfirmed and belongs to this packet (release it if the packet dies). */
  NEW_ENTRY: 1,
  /** raw `notrack`: skip connection tracking. */
  NOTRACK: 2,
  /** A rule fasttracked the packet's connection (informational: the packet itself still walks the slow path). */
  FASTTRACK: 4,
  /** `FirewallState.priority` holds this packet's priority (set-priority acted on it). */
  PRIORITY: 8,
  /** mangle `action=route`: `FirewallState.routeDst` holds the gateway the packet should be routed to. */
  ROUTE: 16,
  /** An ICMP error related to the slot's connection (NAT translates its quoted header). */
  ICMP_ERROR: 32,
  /**
   * A router-made ICMP error whose connection was found when it was made (stages/router-error.ts), as
   * Linux's LOCAL_OUT conntrack finds it before NAT: conntrack-output keeps `ctRef` instead of looking up.
   */
  CT_ATTACHED: 64,
} as const;

/**
 * Why the connections of `old` cannot be carried into a new state with these settings, or null when they
 * can: tracking must stay on, and the table must keep its size and columns (the arrays are reused as they are).
 */
function carryRefusal(old: FirewallState, tracking: boolean, maxEntries: number, matcherColumns: boolean): string | null {
  if (!old.tracking) return 'connection tracking was off';
  if (!tracking) return 'connection tracking is off in the new config';
  if (old.ct.maxEntries !== maxEntries) return `the connection table size changed (${old.ct.maxEntries} -> ${maxEntries})`;
  if ((old.ct.rateSec.length > 0) !== matcherColumns) return 'connection-rate/layer7 matchers were added or removed';
  return null;
}

/** Table rows' R bits, ORed (which rare matchers a table uses). */
export function rareUses(t: FwTable): number {
  let u = 0;
  for (let r = 0; r < t.n; r++) if (t.has[r]! & M.RARE) u |= t.has2[r]!;
  return u;
}

/** One log line (`log=yes` / action=log): kept off the hot path, bounded. */
export interface FwLogLine {
  time: number;
  text: string;
}

export const LOG_KEEP = 1000;

export class FirewallState implements DropListener {
  readonly ct: ConnTable;
  /** endpoint-independent-nat mappings (conntrack/ein.ts). */
  readonly ein: EinMappings;
  /**
   * Whether this state took over the connection table of the state it was built to replace (`carry`, a
   * config reload); false when there was none or it could not be carried (see `carryConnections`).
   */
  readonly carried: boolean = false;
  /** Why the connections of the replaced state were not carried over (null when carried or none given). */
  readonly carryRefused: string | null = null;
  readonly lists: AddressLists;
  readonly raw: FwState;
  readonly filter: FwState;
  readonly mangle: FwState;
  readonly nat: FwState;
  readonly rawWalk: FwWalker;
  readonly filterWalk: FwWalker;
  readonly mangleWalk: FwWalker;
  readonly natWalk: FwWalker;
  /** Connection tracking is on (`enabled=yes`, or `auto` with rules). */
  readonly tracking: boolean;
  /** Per slot: the packet's connection ref (`id * 2 + dir`), -1 none. */
  readonly ctRef: Int32Array;
  /** Per slot: its connection state (rules.ts CS bit; 0 = not looked at yet). */
  readonly ctInfo: Uint8Array;
  /** Per slot: SF flags. */
  readonly slotFlags: Uint8Array;
  /** Per slot: the packet priority set by set-priority (valid with SF.PRIORITY; otherwise the priority is 0). */
  readonly priority: Uint8Array;
  /** Per slot: route-dst of a mangle `action=route` rule (valid with SF.ROUTE; the routing stage does not read it yet). */
  readonly routeDst: Uint32Array;
  /** connection-rate / connection-limit / layer7 state (null when no rule uses them). */
  readonly extra: ConnExtra | null;
  /** layer7 patterns that did not compile as regular expressions (their rules never match). */
  readonly badLayer7: string[] = [];
  /** Field-vector scratch (rules.ts PF) and tuple scratch. */
  readonly f = new Int32Array(PF.COUNT);
  readonly tu = new Int32Array(4);
  /** Log lines, newest last (at most LOG_KEEP). */
  readonly log: FwLogLine[] = [];
  /** Counters: connections created, packets found invalid, table-full drops, clashes resolved. */
  created = 0;
  invalid = 0;
  full = 0;
  clashes = 0;
  /**
   * FastTrack: connections a rule marked fasttracked (ever; stages/fasttrack.ts takes the shortcut only once
   * this is non-zero), and the packets/bytes that took the shortcut — the counters of RouterOS's dynamic
   * `special dummy rule to show fasttrack counters` (see fasttrackDummy).
   */
  ftMarked = 0;
  ftPackets = 0;
  ftBytes = 0;
  private listsLoaded = false;
  /** The state this one replaces: its dynamic address-list entries are taken over at loadLists. */
  private listsFrom: FirewallState | null = null;

  /**
   * `carry`: the firewall state of the flow this one replaces (a config reload on a live router): its
   * connection table and endpoint-independent NAT mappings are taken over when they fit (carryConnections),
   * so established and NATed connections go on; the old state must not be used afterwards.
   */
  constructor(readonly tables: FirewallTables, slots: number, seed = 1, carry: FirewallState | null = null, shared: SharedRuleBuffers | null = null) {
    this.tracking = conntrackOn(tables);
    let rare = 0;
    for (const t of [tables.raw, tables.filter, tables.mangle, tables.nat]) rare |= rareUses(t);
    const maxEntries = this.tracking ? tables.conntrack.maxEntries : 1;
    const matcherColumns = (rare & (R.CONN_RATE | R.LAYER7)) !== 0;
    const refuse = carry === null ? null : carryRefusal(carry, this.tracking, maxEntries, matcherColumns);
    if (carry !== null && refuse === null) {
      this.ct = carry.ct;
      this.ein = carry.ein;
      this.carried = true;
      // The old state's matchers stop listening; this state's own (if any) are attached below.
      this.ct.listener = null;
    } else {
      this.ct = new ConnTable({ maxEntries, seed, matcherColumns });
      this.ein = new EinMappings();
      this.carryRefused = refuse;
    }
    this.lists = new AddressLists();
    this.listsFrom = carry;
    const sh = (t: FwTable, b: SharedArrayBuffer | undefined) => (b !== undefined ? sharedRules(b, t.n) : null);
    this.raw = new FwState(tables.raw, seed ^ 0x1111, sh(tables.raw, shared?.raw), shared?.dstLimit?.raw ?? null);
    this.filter = new FwState(tables.filter, seed ^ 0x2222, sh(tables.filter, shared?.filter), shared?.dstLimit?.filter ?? null);
    this.mangle = new FwState(tables.mangle, seed ^ 0x3333, sh(tables.mangle, shared?.mangle), shared?.dstLimit?.mangle ?? null);
    this.nat = new FwState(tables.nat, seed ^ 0x4444, sh(tables.nat, shared?.nat), shared?.dstLimit?.nat ?? null);
    const il = tables.ifLists;
    const ic = tables.ifCount;
    this.rawWalk = new FwWalker(tables.raw, this.raw, il, ic);
    this.filterWalk = new FwWalker(tables.filter, this.filter, il, ic);
    this.mangleWalk = new FwWalker(tables.mangle, this.mangle, il, ic);
    this.natWalk = new FwWalker(tables.nat, this.nat, il, ic);
    this.ctRef = new Int32Array(slots).fill(-1);
    this.ctInfo = new Uint8Array(slots);
    this.slotFlags = new Uint8Array(slots);
    this.priority = new Uint8Array(slots);
    this.routeDst = new Uint32Array(slots);
    // Connection matchers' state, only when some rule needs it.
    const all = [tables.raw, tables.filter, tables.mangle, tables.nat];
    const lens: number[] = [];
    let uses = 0;
    for (const t of all) {
      uses |= rareUses(t);
      for (let r = 0; r < t.n; r++) if (t.has[r]! & M.RARE && t.has2[r]! & R.CONN_LIMIT) lens.push(t.climLen[r]!);
    }
    if (this.tracking && uses & (R.CONN_RATE | R.CONN_LIMIT | R.LAYER7 | R.CONN_BYTES)) {
      const l7 = (tables.layer7 ?? []).map((src) => {
        try {
          return l7RegExp(src);
        } catch {
          this.badLayer7.push(src);
          return /(?!)/;
        }
      });
      this.extra = new ConnExtra(this.ct, lens, uses & R.LAYER7 ? l7 : []);
      if (lens.length > 0 || uses & R.LAYER7) this.ct.listener = this.extra;
    } else this.extra = null;
    for (const s of [this.raw, this.filter, this.mangle, this.nat]) s.extra = this.extra;
    if (this.carried) this.adoptConnections(carry!);
  }

  /**
   * Make the carried connection table this state's own: entries no packet will confirm any more (their
   * packets died with the old flow) are released, connection marks are renumbered by name for the new
   * config's marks (a mark the new config does not know becomes no-mark), and the connection matchers'
   * state (connection-limit counts) is rebuilt from the connections, whose layer7 buffers belonged to the
   * old state and are dropped (their inspection counts as done).
   */
  private adoptConnections(old: FirewallState): void {
    const ct = this.ct;
    const listener = ct.listener;
    ct.listener = null;
    for (let id = 0; id < ct.maxEntries; id++) if (ct.live(id) && !(ct.status[id]! & CtStatus.CONFIRMED)) ct.release(id);
    const oldNames = (old.tables as { markNames?: readonly string[] }).markNames;
    const newNames = (this.tables as { markNames?: readonly string[] }).markNames;
    let remap: Uint16Array | null = null;
    if (oldNames !== undefined && newNames !== undefined && oldNames.join('\n') !== newNames.join('\n')) {
      const byName = new Map(newNames.map((n, i) => [n, i]));
      remap = new Uint16Array(oldNames.length);
      for (let i = 0; i < oldNames.length; i++) remap[i] = byName.get(oldNames[i]!) ?? 0;
    }
    const ex = this.extra;
    ct.forEach((id) => {
      if (remap !== null) ct.mark[id] = remap[ct.mark[id]!] ?? 0;
      if (ct.l7Buf.length > 0) {
        ct.l7Buf[id] = -1;
        ct.l7Done[id] = 1;
      }
      if (ex !== null) ex.confirmed(id);
    });
    ct.listener = listener;
  }

  /**
   * Whether a new generation can take over `old`'s connection table: both track connections, with the same
   * table size and the same optional matcher columns (connection-rate, layer7). Otherwise the new generation
   * starts with an empty table (docs/workers.md lists it).
   */
  static carries(old: FirewallState, tracking: boolean, maxEntries: number, matcherColumns: boolean): boolean {
    return old.tracking && tracking && old.ct.maxEntries === maxEntries && old.ct.hasMatcherColumns === matcherColumns;
  }

  /** Give the payload matchers the packet bytes (the flow's pool buffer). */
  attachBytes(b: Uint8Array): void {
    for (const s of [this.raw, this.filter, this.mangle, this.nat]) s.pkt = b;
  }

  /**
   * Load the configured address-list entries; timeouts count from `now` (the flow's first clock). A state
   * that replaces another (a reload) also takes over the dynamic entries rules added there — a blacklist or a
   * port-knock must not be forgotten because someone edited the config — by list name, with their expiry;
   * entries of a list the new config no longer names go, as the list does.
   */
  loadLists(now: number): void {
    if (this.listsLoaded) return;
    this.listsLoaded = true;
    for (const e of this.tables.staticAddresses) this.lists.add(e.list, e.lo, e.hi, now + e.timeout, false);
    const old = this.listsFrom;
    this.listsFrom = null;
    if (old === null) return;
    const oldNames = (old.tables as { addressListNames?: readonly string[] }).addressListNames ?? [];
    const newNames = (this.tables as { addressListNames?: readonly string[] }).addressListNames ?? [];
    const byName = new Map(newNames.map((n, i) => [n, i]));
    for (const e of old.lists.entries(now)) {
      if (!e.dynamic) continue;
      const list = byName.get(oldNames[e.list] ?? '');
      // taken over as a peer's entry: not announced again (the other workers carry their own)
      if (list !== undefined) this.lists.addFromPeer(list, e.lo, e.hi, e.expires);
    }
  }

  /**
   * Per connection: how many packets besides one hold its unconfirmed entry (SF.NEW_ENTRY on each) — the
   * copies a bridge floods of a new connection's first packet after the bridged IP prerouting tracked it
   * (use-ip-firewall), as Linux's clones share one refcounted nf_conn. Allocated on the first such copy.
   */
  private sharers: Uint16Array | null = null;

  /**
   * `copy` is a copy of the packet in `slot` (a bridge flooding it): it carries the same connection, state
   * and rule results. A shared unconfirmed entry is confirmed by whichever copy reaches a confirm point
   * first and released only when the last holder dies unconfirmed.
   */
  copySlot(slot: number, copy: number): void {
    const fl = this.slotFlags[slot]!;
    const ref = this.ctRef[slot]!;
    this.ctRef[copy] = ref;
    this.ctInfo[copy] = this.ctInfo[slot]!;
    this.slotFlags[copy] = fl;
    this.priority[copy] = this.priority[slot]!;
    this.routeDst[copy] = this.routeDst[slot]!;
    if (fl & SF.NEW_ENTRY && ref >= 0) {
      if (this.sharers === null) this.sharers = new Uint16Array(this.ct.maxEntries);
      this.sharers[ref >> 1]!++;
    }
  }

  /**
   * The packet in `slot` lets go of the unconfirmed entry it holds (SF.NEW_ENTRY cleared). Returns true when
   * it was the last holder.
   */
  disown(slot: number): boolean {
    this.slotFlags[slot] = this.slotFlags[slot]! & ~SF.NEW_ENTRY;
    const sh = this.sharers;
    const id = this.ctRef[slot]! >> 1;
    if (sh !== null && id >= 0 && sh[id]! > 0) {
      sh[id]!--;
      return false;
    }
    return true;
  }

  /** A packet leaves the flow: release an unconfirmed entry it holds last and clear its columns. */
  forget(slot: number): void {
    if (this.slotFlags[slot]! & SF.NEW_ENTRY) {
      const ref = this.ctRef[slot]!;
      // A copy of the same packet may have confirmed the entry meanwhile: then it stays.
      if (ref >= 0 && this.disown(slot) && !(this.ct.status[ref >> 1]! & CtStatus.CONFIRMED)) this.ct.release(ref >> 1);
    }
    this.ctRef[slot] = -1;
    this.ctInfo[slot] = 0;
    this.slotFlags[slot] = 0;
  }

  /** The priority of the packet in `slot` (0 unless set-priority set one). */
  priorityOf(slot: number): number {
    return this.slotFlags[slot]! & SF.PRIORITY ? this.priority[slot]! : 0;
  }

  /** The graph dropped the packet in `slot` (DropListener). */
  dropped(slot: number): void {
    this.forget(slot);
  }

  /**
   * RouterOS's dynamic filter rule `;;; special dummy rule to show fasttrack counters` (chain=forward
   * action=passthrough, flag D), shown at the top of the filter table while any connection is fasttracked:
   * its counters are the fasttracked packets and bytes. Null while no live connection is fasttracked (a
   * scan of the connection table: for print / --rule-stats, not the packet path).
   */
  fasttrackDummy(now: number): { chain: 'forward'; action: 'passthrough'; comment: string; packets: number; bytes: number } | null {
    if (this.ftMarked === 0) return null;
    let live = false;
    const ct = this.ct;
    ct.forEach((id) => {
      if (!live && ct.status[id]! & CtStatus.FASTTRACK && ct.expires[id]! > now) live = true;
    });
    if (!live) return null;
    return { chain: 'forward', action: 'passthrough', comment: 'special dummy rule to show fasttrack counters', packets: this.ftPackets, bytes: this.ftBytes };
  }

  /** Where log lines also go (the router's `/log`, topics firewall,info); null: kept here only. */
  sink: LogSink | null = null;

  /** Append a log line (bounded) and hand it to the sink. */
  addLog(time: number, text: string): void {
    if (this.log.length >= LOG_KEEP) this.log.shift();
    this.log.push({ time, text });
    if (this.sink !== null) this.sink.log(time, 'firewall,info', text);
  }
}
