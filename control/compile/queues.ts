/**
 * `/queue type`, `/queue simple`, `/queue tree`, `/queue interface` → QueueTables (dataplane/queue/tables.ts).
 *
 * - **Types**: every `/queue type` item (the predefined ones included) becomes a QueueTypeSpec; `cake` is
 *   scheduled as fq-codel (its shaper and diffserv tins are not modelled; documented in README).
 * - **Simple queues**, enabled, in order: each gets an upload and a download class (`name` + ` upload` /
 *   ` download` in stats), and a total class above both when a total-* limit is set. `parent=Q` hangs the
 *   classes under Q's (its total when it has one). Only queues without children classify traffic: in HTB an
 *   inner class only distributes, so traffic matching a parent's target but none of its children is not
 *   shaped by the parent (UNCONFIRMED: RouterOS's behaviour for such packets is not documented).
 *   Targets and dst: IPv4 addresses, prefixes, ranges and interface names; IPv6 ones are skipped (no IPv6
 *   in the flow yet). An empty target matches every address (RouterOS requires one; older exports omit it).
 * - **Queue trees**, enabled: grouped by their root — `global`, or an interface whose port gets an interface
 *   HTB. A leaf takes the packet marks it lists (the first leaf in `/queue tree` order wins a mark listed
 *   twice); `no-mark` takes unmarked packets; a leaf without packet-mark takes nothing. Trees deeper than 8
 *   levels, cycles and parents that name nothing are warnings, and the queues involved are left out.
 * - **Interface queues**: with no infinite-rate link to drain (flowplane does not model the port's speed), a
 *   FIFO interface queue never holds a packet, so only a rate-limiting type (pcq with pcq-rate) makes an
 *   interface scheduler of one leaf; otherwise the port's traffic leaves unshaped.
 *
 * Mark names are the firewall's interned ids (FlowTables.firewall.markNames); a mark no mangle rule sets gets
 * an id no packet carries.
 */
import { idText, type ConfigStore, type Item, type MenuTable } from '../store/store';
import { parseIpv4Spec, parseRate, parseSize, parseTime } from '../routeros/values';
import type { InterfaceIndex } from './interfaces';
import { parseTimeWindow } from './firewall';
import { PcqBy, QKind, type HtbClassSpec, type QueueTypeSpec } from '../../dataplane/queue/spec';
import type { MarkClassifier, QueueTables, QueueWarning, SchedulerSpec } from '../../dataplane/queue/tables';
import { SimpleQueueSet, type SimpleQueueEntry } from '../../dataplane/queue/simple-classify';

/** The mark id of a name no rule sets: no packet carries it. */
const NO_SUCH_MARK = 0xffff;
const MAX_TREE_DEPTH = 8;

const KINDS: Record<string, QKind> = {
  pfifo: QKind.PFIFO,
  bfifo: QKind.BFIFO,
  'mq-pfifo': QKind.MQ_PFIFO,
  red: QKind.RED,
  sfq: QKind.SFQ,
  pcq: QKind.PCQ,
  codel: QKind.CODEL,
  'fq-codel': QKind.FQ_CODEL,
  cake: QKind.FQ_CODEL,
  none: QKind.NONE,
};

export interface QueueCompileContext {
  readonly ifs: InterfaceIndex;
  /** Interface index → port number (real or virtual), -1 none. */
  readonly ifPort: Int32Array;
  readonly portCount: number;
  /** Packet-mark names by id (index), as the firewall interned them. */
  readonly markNames: readonly string[];
}

const num = (text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isFinite(n) ? n : fallback;
};
const rate = (text: string | undefined): number => {
  if (text === undefined) return 0;
  const r = parseRate(text);
  return r.ok ? r.value : 0;
};
const size = (text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const r = parseSize(text);
  return r.ok ? r.value : fallback;
};
const seconds = (text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const r = parseTime(text);
  return r.ok ? r.value / 1000 : fallback;
};

function compileTypes(t: MenuTable | undefined): { types: QueueTypeSpec[]; byName: Map<string, number> } {
  const types: QueueTypeSpec[] = [];
  const byName = new Map<string, number>();
  for (const item of t?.items ?? []) {
    const v = (p: string): string | undefined => t!.value(item, p);
    const name = v('name') ?? '';
    const kind = KINDS[v('kind') ?? 'pfifo'] ?? QKind.PFIFO;
    const spec: QueueTypeSpec = { name, kind, limit: 0 };
    switch (kind) {
      case QKind.PFIFO:
        spec.limit = num(v('pfifo-limit'), 50);
        break;
      case QKind.MQ_PFIFO:
        spec.limit = num(v('mq-pfifo-limit'), 50);
        break;
      case QKind.BFIFO:
        spec.limit = num(v('bfifo-limit'), 15000);
        break;
      case QKind.RED:
        spec.limit = num(v('red-limit'), 60);
        spec.red = {
          minThreshold: num(v('red-min-threshold'), 10),
          maxThreshold: num(v('red-max-threshold'), 50),
          burst: num(v('red-burst'), 20),
          avgPacket: num(v('red-avg-packet'), 1000),
        };
        break;
      case QKind.SFQ:
        spec.limit = 128;
        spec.sfq = { perturb: num(v('sfq-perturb'), 5), allot: num(v('sfq-allot'), 1514) };
        break;
      case QKind.PCQ: {
        let classifier = 0;
        for (const c of (v('pcq-classifier') ?? '').split(',')) {
          classifier |= c === 'src-address' ? PcqBy.SRC_ADDRESS : c === 'dst-address' ? PcqBy.DST_ADDRESS : c === 'src-port' ? PcqBy.SRC_PORT : c === 'dst-port' ? PcqBy.DST_PORT : 0;
        }
        spec.pcq = {
          classifier,
          rate: rate(v('pcq-rate')),
          limit: size(v('pcq-limit'), 50 * 1024),
          totalLimit: size(v('pcq-total-limit'), 2000 * 1024),
          burstRate: rate(v('pcq-burst-rate')),
          burstThreshold: rate(v('pcq-burst-threshold')),
          burstTime: seconds(v('pcq-burst-time'), 10),
          srcMask: num(v('pcq-src-address-mask'), 32),
          dstMask: num(v('pcq-dst-address-mask'), 32),
        };
        spec.limit = spec.pcq.totalLimit;
        break;
      }
      case QKind.CODEL:
        spec.limit = num(v('codel-limit'), 1000);
        spec.codel = { interval: seconds(v('codel-interval'), 0.1), target: seconds(v('codel-target'), 0.005), ecn: v('codel-ecn') === 'yes' };
        break;
      case QKind.FQ_CODEL:
        spec.limit = num(v('fq-codel-limit'), 10240);
        spec.fqCodel = {
          flows: num(v('fq-codel-flows'), 1024),
          quantum: num(v('fq-codel-quantum'), 1514),
          memlimit: size(v('fq-codel-memlimit'), 32 * 1024 * 1024),
          interval: seconds(v('fq-codel-interval'), 0.1),
          target: seconds(v('fq-codel-target'), 0.005),
          ecn: (v('fq-codel-ecn') ?? 'yes') === 'yes',
        };
        break;
      default:
        break;
    }
    byName.set(name, types.length);
    types.push(spec);
  }
  if (!byName.has('default-small')) {
    byName.set('default-small', types.length);
    types.push({ name: 'default-small', kind: QKind.PFIFO, limit: 10 });
  }
  return { types, byName };
}

/** IPv4 targets as inclusive ranges, interface names as indexes; IPv6 and unknown words are reported. */
function targets(list: readonly string[], ifs: InterfaceIndex, what: string, warn: (m: string) => void): { ranges: [number, number][]; ifaces: number[] } {
  const ranges: [number, number][] = [];
  const ifaces: number[] = [];
  for (const w of list) {
    if (w === '') continue;
    const ifi = ifs.byName.get(w);
    if (ifi !== undefined) {
      ifaces.push(ifi);
      continue;
    }
    if (w.includes(':')) continue; // IPv6: not in the flow yet
    const s = parseIpv4Spec(w);
    if (!s.ok) {
      warn(`${what}: ${w} is neither an interface nor an IPv4 address, prefix or range`);
      continue;
    }
    if (s.value.kind === 'range') ranges.push([s.value.range.from >>> 0, s.value.range.to >>> 0]);
    else {
      const p = s.value.prefix;
      const size = 2 ** (32 - p.length);
      ranges.push([p.network >>> 0, (p.network >>> 0) + size - 1]);
    }
  }
  return { ranges, ifaces };
}

const listOf = (text: string | undefined): string[] => (text === undefined || text === '' ? [] : text.split(',').map((s) => s.trim()));

export function compileQueues(store: ConfigStore, cx: QueueCompileContext): QueueTables {
  const warnings: QueueWarning[] = [];
  const warnOn = (menu: string, item: Item) => (message: string): void => void warnings.push({ menu, id: idText(item.id), message });
  const { types, byName: typeByName } = compileTypes(store.table('/queue type'));
  const typeOf = (name: string | undefined): number => typeByName.get(name ?? 'default-small') ?? typeByName.get('default-small')!;
  /**
   * An HTB class from a queue's properties as `get` reads them: a tree item's own, one side of a simple
   * queue's upload/download pairs, or its total-* ones.
   */
  const classFrom = (name: string, parent: number, get: (prop: string) => string | undefined): HtbClassSpec => ({
    name,
    parent,
    limitAt: rate(get('limit-at')),
    maxLimit: rate(get('max-limit')),
    priority: num(get('priority'), 8),
    bucketSize: num(get('bucket-size'), 0.1),
    burstLimit: rate(get('burst-limit')),
    burstThreshold: rate(get('burst-threshold')),
    burstTime: seconds(get('burst-time'), 0),
    queueType: typeOf(get('queue')),
  });
  const markIds = new Map<string, number>();
  cx.markNames.forEach((n, i) => markIds.set(n, i));
  const markId = (name: string): number => (name === 'no-mark' ? 0 : (markIds.get(name) ?? NO_SUCH_MARK));
  const id = (item: Item): string => idText(item.id);

  // ---- simple queues
  let simple: SimpleQueueSet | null = null;
  const st = store.table('/queue simple');
  const sItems = (st?.items ?? []).filter((i) => !st!.disabled(i));
  if (sItems.length > 0) {
    const classes: HtbClassSpec[] = [];
    const itemIds: string[] = [];
    const byName = new Map<string, Item>();
    for (const it of sItems) byName.set(st!.value(it, 'name') ?? '', it);
    const mk = (spec: HtbClassSpec, item: Item): number => {
      classes.push(spec);
      itemIds.push(id(item));
      return classes.length - 1;
    };
    // Classes: [total, up, down] per queue; parents linked after all exist.
    const cls = new Map<Item, { total: number; up: number; down: number }>();
    for (const it of sItems) {
      const v = (p: string): string | undefined => st!.value(it, p);
      const name = v('name') ?? '';
      let total = -1;
      if (rate(v('total-max-limit')) > 0 || rate(v('total-limit-at')) > 0) {
        total = mk(classFrom(`${name} total`, -1, (p) => v(`total-${p}`)), it);
      }
      // upload/download pairs: `a/b`, a single value standing for both
      const side = (up: boolean) => (p: string): string | undefined => {
        const t = v(p);
        if (t === undefined) return undefined;
        const k = t.indexOf('/');
        return k < 0 ? t : up ? t.slice(0, k) : t.slice(k + 1);
      };
      const dir = (up: boolean): number => mk(classFrom(`${name} ${up ? 'upload' : 'download'}`, total, side(up)), it);
      cls.set(it, { total, up: dir(true), down: dir(false) });
    }
    const hasChild = new Set<Item>();
    for (const it of sItems) {
      const pn = st!.value(it, 'parent') ?? 'none';
      if (pn === 'none') continue;
      const p = byName.get(pn);
      const warn = warnOn('/queue simple', it);
      if (p === undefined) {
        warn(`${st!.value(it, 'name')}: parent ${pn} is not an enabled simple queue; the queue is a root`);
        continue;
      }
      // a parent chain must not loop back to this queue
      let loop = false;
      for (let a: Item | undefined = p, k = 0; a !== undefined && k <= sItems.length; k++) {
        if (a === it) loop = true;
        const an: string = st!.value(a, 'parent') ?? 'none';
        a = an === 'none' ? undefined : byName.get(an);
      }
      if (loop) {
        warn(`${st!.value(it, 'name')}: parent chain loops; the queue is a root`);
        continue;
      }
      hasChild.add(p);
      const c = cls.get(it)!;
      const pc = cls.get(p)!;
      if (c.total >= 0) classes[c.total]!.parent = pc.total >= 0 ? pc.total : pc.down;
      else {
        classes[c.up]!.parent = pc.total >= 0 ? pc.total : pc.up;
        classes[c.down]!.parent = pc.total >= 0 ? pc.total : pc.down;
      }
    }
    const entries: SimpleQueueEntry[] = [];
    for (const it of sItems) {
      if (hasChild.has(it)) continue;
      const v = (p: string): string | undefined => st!.value(it, p);
      const name = v('name') ?? '';
      const warn = warnOn('/queue simple', it);
      const tg = targets(listOf(v('target')), cx.ifs, `${name} target`, warn);
      if (tg.ranges.length === 0 && tg.ifaces.length === 0 && listOf(v('target')).length === 0) tg.ranges.push([0, 0xffffffff]);
      const dst = targets(listOf(v('dst')), cx.ifs, `${name} dst`, warn);
      let time: SimpleQueueEntry['time'] = null;
      const tw = v('time');
      if (tw !== undefined && tw !== '') {
        const w = parseTimeWindow(tw);
        if (typeof w === 'string') warn(`${name} time=${tw}: ${w}`);
        else time = w;
      }
      const c = cls.get(it)!;
      entries.push({ ranges: tg.ranges, ifaces: tg.ifaces, dstRanges: dst.ranges, dstIfaces: dst.ifaces, marks: listOf(v('packet-marks')).map(markId), time, up: c.up, down: c.down });
    }
    simple = new SimpleQueueSet({ classes, itemIds }, entries, cx.ifs.names.length);
  }

  // ---- queue trees
  const tt = store.table('/queue tree');
  const tItems = (tt?.items ?? []).filter((i) => !tt!.disabled(i));
  const tByName = new Map<string, Item>();
  for (const it of tItems) tByName.set(tt!.value(it, 'name') ?? '', it);
  /** Root of a tree queue: 'global', an interface name, or null (broken chain; warned). */
  const rootOf = new Map<Item, string | null>();
  const depthOf = new Map<Item, number>();
  for (const it of tItems) {
    const warn = warnOn('/queue tree', it);
    let a: Item = it;
    let depth = 1;
    let root: string | null = null;
    for (;;) {
      const pn = tt!.value(a, 'parent') ?? '';
      const p = tByName.get(pn);
      if (p === undefined) {
        if (pn === 'global' || cx.ifs.byName.has(pn)) root = pn;
        else warn(`${tt!.value(it, 'name')}: parent ${pn} is not global, an interface or an enabled tree queue; the queue is left out`);
        break;
      }
      a = p;
      if (++depth > MAX_TREE_DEPTH + 1 || a === it) {
        warn(`${tt!.value(it, 'name')}: ${a === it ? 'the parent chain loops' : `more than ${MAX_TREE_DEPTH} levels`}; the queue is left out`);
        break;
      }
    }
    if (root !== null && depth > MAX_TREE_DEPTH) {
      warn(`${tt!.value(it, 'name')}: more than ${MAX_TREE_DEPTH} levels; the queue is left out`);
      root = null;
    }
    rootOf.set(it, root);
    depthOf.set(it, depth);
  }
  const treeParent = new Set<Item>();
  for (const it of tItems) {
    const p = tByName.get(tt!.value(it, 'parent') ?? '');
    if (p !== undefined && rootOf.get(it) !== null) treeParent.add(p);
  }
  const buildTree = (root: string, extraLeaf: QueueTypeSpec | null): MarkClassifier | null => {
    const members = tItems.filter((it) => rootOf.get(it) === root);
    if (members.length === 0 && extraLeaf === null) return null;
    const classes: HtbClassSpec[] = [];
    const itemIds: string[] = [];
    const index = new Map<Item, number>();
    for (const it of members) {
      const v = (p: string): string | undefined => tt!.value(it, p);
      index.set(it, classes.length);
      itemIds.push(id(it));
      classes.push(classFrom(v('name') ?? '', -1, v));
    }
    for (const it of members) {
      const p = tByName.get(tt!.value(it, 'parent') ?? '');
      if (p !== undefined) classes[index.get(it)!]!.parent = index.get(p)!;
    }
    const leafOfMark = new Int32Array(Math.max(cx.markNames.length, 1)).fill(-1);
    for (const it of members) {
      if (treeParent.has(it)) continue;
      for (const name of listOf(tt!.value(it, 'packet-mark'))) {
        const m = markId(name);
        if (m < leafOfMark.length && leafOfMark[m] === -1) leafOfMark[m] = index.get(it)!;
      }
    }
    let defaultLeaf = -1;
    if (extraLeaf !== null) {
      defaultLeaf = classes.length;
      itemIds.push('');
      classes.push({ name: `${root} interface queue`, parent: -1, limitAt: 0, maxLimit: 0, priority: 8, bucketSize: 0.1, burstLimit: 0, burstThreshold: 0, burstTime: 0, queueType: types.indexOf(extraLeaf) });
    }
    const sched: SchedulerSpec = { classes, itemIds };
    return { sched, leafOfMark, defaultLeaf };
  };
  const global = buildTree('global', null);

  // ---- interface HTBs
  const qi = store.table('/queue interface');
  const ifQueueType = new Map<string, string>();
  for (const it of qi?.items ?? []) ifQueueType.set(qi!.value(it, 'interface') ?? '', qi!.value(it, 'queue') ?? '');
  const ports: (MarkClassifier | null)[] = new Array<MarkClassifier | null>(cx.portCount).fill(null);
  cx.ifs.names.forEach((name, ifi) => {
    const port = cx.ifPort[ifi]!;
    if (port < 0 || port >= cx.portCount) return;
    const hasTree = tItems.some((it) => rootOf.get(it) === name);
    const qt = ifQueueType.get(name);
    const t = qt !== undefined ? types[typeByName.get(qt) ?? -1] : undefined;
    // Only a type that limits rate by itself holds packets on an infinitely fast port (module comment).
    const shaping = !hasTree && t !== undefined && t.kind === QKind.PCQ && (t.pcq?.rate ?? 0) > 0 ? t : null;
    ports[port] = buildTree(name, shaping);
  });
  for (const it of tItems) {
    const r = rootOf.get(it);
    if (r !== null && r !== undefined && r !== 'global' && cx.ifPort[cx.ifs.byName.get(r)!]! < 0) {
      warnOn('/queue tree', it)(`${tt!.value(it, 'name')}: interface ${r} has no port (disabled?); the queue holds no traffic`);
    }
  }
  return { types, global, simple, ports, warnings };
}
