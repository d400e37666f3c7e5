/**
 * Menu schemas: `/queue type`, `/queue interface`, `/queue simple`, `/queue tree`.
 * Semantics: shared/ROUTEROS-FLOW.md §7. Pairs (`upload/download`) of simple queues are written
 * `10M/5M`; a single value stands for both directions.
 */
import type { ItemCheck, MenuSpec, ValueType } from './schema';
import { bool, flags, int, menu, oneOf, raw, ref, str, time } from './schema';

const TIME_TEXT = '[0-9][0-9wdhms:.]*';
const pairOf = (one: string): RegExp => new RegExp(`^${one}(?:/${one})?$`);

const PAIR = {
  priority: raw(pairOf('[1-8]'), 'priority 1..8 or upload/download pair like 8/8'),
  queue: raw(pairOf('[^/\\s]+'), 'queue type or upload/download pair like default-small/default-small'),
  time: raw(pairOf(TIME_TEXT), 'time or upload/download pair like 0s/0s'),
  bucket: raw(pairOf('\\d+(?:\\.\\d+)?'), 'ratio 0..10 or upload/download pair like 0.1/0.1'),
} as const;

const RATE_PAIR: ValueType = { t: 'rate-pair' };
const RATE: ValueType = { t: 'rate' };
const SIZE: ValueType = { t: 'size' };
const BUCKET = raw(/^\d+(?:\.\d+)?$/, 'ratio 0..10 like 0.1');
const SCHEDULE = raw(new RegExp(`^${TIME_TEXT}-${TIME_TEXT}(?:,(?:sun|mon|tue|wed|thu|fri|sat))*$`), 'from-to[,day...], e.g. 7h-19h,mon,fri');

// ---------------------------------------------------------------------------------------------------------
// /queue type

export const QUEUE_KINDS = ['pfifo', 'bfifo', 'mq-pfifo', 'red', 'sfq', 'pcq', 'codel', 'fq-codel', 'cake', 'none'] as const;

/**
 * The predefined queue types (flag `*`, `default=yes`), in RouterOS print order. They exist before any config,
 * can be `set` but not removed, and are not exported as `add` lines (the export writer skips items with
 * `default=yes`; a changed built-in is exported as `set`).
 */
const builtin = (name: string, kind: string, params: Record<string, string> = {}): Readonly<Record<string, string>> => ({ name, kind, ...params, default: 'yes' });

export const BUILTIN_QUEUE_TYPES: ReadonlyArray<Readonly<Record<string, string>>> = [
  builtin('default', 'pfifo', { 'pfifo-limit': '50' }),
  builtin('ethernet-default', 'pfifo', { 'pfifo-limit': '50' }),
  builtin('wireless-default', 'sfq', { 'sfq-perturb': '5', 'sfq-allot': '1514' }),
  builtin('synchronous-default', 'red', {
    'red-limit': '60',
    'red-min-threshold': '10',
    'red-max-threshold': '50',
    'red-burst': '20',
    'red-avg-packet': '1000',
  }),
  builtin('hotspot-default', 'sfq', { 'sfq-perturb': '5', 'sfq-allot': '1514' }),
  builtin('pcq-upload-default', 'pcq', { 'pcq-classifier': 'src-address' }),
  builtin('pcq-download-default', 'pcq', { 'pcq-classifier': 'dst-address' }),
  builtin('only-hardware-queue', 'none'),
  builtin('multi-queue-ethernet-default', 'mq-pfifo', { 'mq-pfifo-limit': '50' }),
  builtin('default-small', 'pfifo', { 'pfifo-limit': '10' }),
];

const QUEUE_TYPE = menu({
  path: '/queue type',
  key: 'name',
  noCommon: true,
  fixedItems: () => BUILTIN_QUEUE_TYPES.map((t) => ({ ...t })),
  props: [
    { name: 'name', type: str(), required: true, doc: 'queue type name used by queue= elsewhere' },
    { name: 'kind', type: oneOf(...QUEUE_KINDS), required: true, doc: 'queueing discipline' },
    { name: 'default', type: bool(), default: 'no', readOnly: true, doc: 'predefined type (cannot be removed)' },
    { name: 'pfifo-limit', type: int(1), default: '50', doc: 'pfifo: queue length in packets' },
    { name: 'bfifo-limit', type: int(1), default: '15000', doc: 'bfifo: queue length in bytes' },
    { name: 'mq-pfifo-limit', type: int(1), default: '50', doc: 'mq-pfifo: length of each hardware queue in packets' },
    { name: 'red-limit', type: int(0), default: '60', doc: 'red: hard queue limit in packets' },
    { name: 'red-min-threshold', type: int(0), default: '10', doc: 'red: average length where random drops start' },
    { name: 'red-max-threshold', type: int(0), default: '50', doc: 'red: average length where every packet is dropped' },
    { name: 'red-burst', type: int(0), default: '20', doc: 'red: packets allowed in a burst' },
    { name: 'red-avg-packet', type: int(1), default: '1000', doc: 'red: average packet size for the computation' },
    { name: 'sfq-perturb', type: int(0), default: '5', doc: 'sfq: seconds between hash changes' },
    { name: 'sfq-allot', type: int(1), default: '1514', doc: 'sfq: bytes a substream may send per round' },
    { name: 'pcq-rate', type: RATE, default: '0', doc: 'pcq: rate per substream (0 = share equally)' },
    { name: 'pcq-limit', type: SIZE, default: '50KiB', doc: 'pcq: queue size per substream' },
    { name: 'pcq-classifier', type: flags('src-address', 'dst-address', 'src-port', 'dst-port'), doc: 'pcq: fields that tell substreams apart' },
    { name: 'pcq-total-limit', type: SIZE, default: '2000KiB', doc: 'pcq: size of all substreams together' },
    { name: 'pcq-burst-rate', type: RATE, default: '0', doc: 'pcq: burst rate per substream' },
    { name: 'pcq-burst-threshold', type: RATE, default: '0', doc: 'pcq: burst threshold per substream' },
    { name: 'pcq-burst-time', type: time(), default: '10s', doc: 'pcq: burst averaging period' },
    { name: 'pcq-src-address-mask', type: int(0, 32), default: '32', doc: 'pcq: IPv4 source prefix length grouping' },
    { name: 'pcq-dst-address-mask', type: int(0, 32), default: '32', doc: 'pcq: IPv4 destination prefix length grouping' },
    { name: 'pcq-src-address6-mask', type: int(0, 128), default: '128', doc: 'pcq: IPv6 source prefix length grouping' },
    { name: 'pcq-dst-address6-mask', type: int(0, 128), default: '128', doc: 'pcq: IPv6 destination prefix length grouping' },
    { name: 'codel-limit', type: int(1), default: '1000', doc: 'codel: queue limit in packets' },
    { name: 'codel-interval', type: time(), default: '100ms', doc: 'codel: interval' },
    { name: 'codel-target', type: time(), default: '5ms', doc: 'codel: target queue delay' },
    { name: 'codel-ecn', type: bool(), default: 'no', doc: 'codel: mark ECN instead of dropping' },
    { name: 'codel-ce-threshold', type: time(), doc: 'codel: CE marking threshold' },
    { name: 'fq-codel-limit', type: int(1), default: '10240', doc: 'fq-codel: queue limit in packets' },
    { name: 'fq-codel-flows', type: int(1), default: '1024', doc: 'fq-codel: number of flow queues' },
    { name: 'fq-codel-quantum', type: int(1), default: '1514', doc: 'fq-codel: bytes per flow per round' },
    { name: 'fq-codel-memlimit', type: SIZE, default: '32MiB', doc: 'fq-codel: memory limit' },
    { name: 'fq-codel-interval', type: time(), default: '100ms', doc: 'fq-codel: interval' },
    { name: 'fq-codel-target', type: time(), default: '5ms', doc: 'fq-codel: target queue delay' },
    { name: 'fq-codel-ecn', type: bool(), default: 'yes', doc: 'fq-codel: mark ECN instead of dropping' },
    { name: 'fq-codel-ce-threshold', type: time(), doc: 'fq-codel: CE marking threshold' },
    { name: 'cake-bandwidth', type: RATE, doc: 'cake: shaper rate (unset = unlimited)' },
    { name: 'cake-autorate-ingress', type: bool(), doc: 'cake: estimate the ingress rate' },
    { name: 'cake-overhead', type: int(-64, 256), default: '0', doc: 'cake: per-packet overhead in bytes' },
    {
      name: 'cake-overhead-scheme',
      type: flags(
        'raw',
        'conservative',
        // sic: the RouterOS CLI reference spells it so
        'convervative',
        'ipoa-vcmux',
        'ipoa-llcsnap',
        'bridged-vcmux',
        'bridged-llcsnap',
        'pppoa-vcmux',
        'pppoa-llc',
        'pppoe-vcmux',
        'pppoe-llcsnap',
        'pppoe-ptm',
        'bridged-ptm',
        'via-ethernet',
        'ethernet',
        'ether-vlan',
        'docsis',
      ),
      doc: 'cake: overhead keywords',
    },
    { name: 'cake-mpu', type: int(0, 256), doc: 'cake: minimum packet unit' },
    { name: 'cake-atm', type: oneOf('none', 'atm', 'ptm'), default: 'none', doc: 'cake: ATM/PTM cell compensation' },
    { name: 'cake-rtt', type: time(), default: '100ms', doc: 'cake: expected round-trip time' },
    {
      name: 'cake-rtt-scheme',
      type: oneOf('none', 'datacentre', 'lan', 'metro', 'regional', 'internet', 'oceanic', 'satellite', 'interplanetary'),
      default: 'none',
      doc: 'cake: named RTT preset',
    },
    { name: 'cake-diffserv', type: oneOf('diffserv3', 'diffserv4', 'diffserv8', 'besteffort', 'precedence'), default: 'diffserv3', doc: 'cake: tin layout' },
    {
      name: 'cake-flowmode',
      type: oneOf('flowblind', 'srchost', 'dsthost', 'hosts', 'flows', 'dual-srchost', 'dual-dsthost', 'triple-isolate'),
      default: 'triple-isolate',
      doc: 'cake: flow isolation',
    },
    { name: 'cake-nat', type: bool(), doc: 'cake: look up NAT mappings for flow isolation' },
    { name: 'cake-wash', type: bool(), doc: 'cake: clear DSCP on egress' },
    { name: 'cake-ack-filter', type: oneOf('none', 'filter', 'aggressive'), default: 'none', doc: 'cake: drop redundant TCP ACKs' },
    { name: 'cake-memlimit', type: SIZE, default: '0', doc: 'cake: memory limit (0 = automatic)' },
  ],
  columns: ['name', 'kind', 'default'],
  unique: [['name']],
  doc: 'queue types (queueing disciplines); predefined ones are flagged default',
});

// ---------------------------------------------------------------------------------------------------------
// /queue interface

/**
 * The interface queue of each ethernet port. Which type a port starts with is hardware-dependent: RouterBOARD
 * ethernet uses only-hardware-queue, x86/CHR is UNCONFIRMED; flowplane emulates a generic software port and
 * uses `ethernet-default` (pfifo 50, spec §7). Items for bridges/VLANs (default-queue `no-queue`) are made by
 * the executor when those interfaces are created; the `interface` value follows renames of the port.
 */
export const ETHERNET_DEFAULT_QUEUE = 'ethernet-default';

const QUEUE_INTERFACE = menu({
  path: '/queue interface',
  kind: 'fixed',
  key: 'interface',
  fixedKey: 'interface',
  noCommon: true,
  fixedItems: (count) =>
    Array.from({ length: count }, (_, k) => ({ interface: `ether${k + 1}`, queue: ETHERNET_DEFAULT_QUEUE, 'default-queue': ETHERNET_DEFAULT_QUEUE })),
  props: [
    { name: 'interface', type: ref('/interface'), readOnly: true, doc: 'egress interface' },
    { name: 'queue', type: ref('/queue type', 'no-queue'), doc: 'queue type used when no queue tree is attached to the interface' },
    { name: 'default-queue', type: ref('/queue type', 'no-queue'), readOnly: true, doc: 'queue type the interface starts with' },
    { name: 'active-queue', type: str(), readOnly: true, doc: 'queue in use (queue-tree when a tree is parented to the interface)' },
  ],
  columns: ['interface', 'queue', 'active-queue'],
  doc: 'egress queue of each interface',
});

// ---------------------------------------------------------------------------------------------------------
// /queue simple

const QUEUE_SIMPLE = menu({
  path: '/queue simple',
  ordered: true,
  key: 'name',
  props: [
    { name: 'name', type: str(), doc: 'queue name (queueN when not given)' },
    { name: 'target', type: { t: 'list', of: raw() }, required: true, doc: 'IPv4/IPv6 prefixes and interfaces whose traffic the queue limits' },
    { name: 'dst', type: raw(), doc: 'only traffic to/from this prefix or interface' },
    { name: 'parent', type: ref('/queue simple', 'none'), default: 'none', doc: 'parent simple queue' },
    { name: 'packet-marks', type: { t: 'list', of: str() }, default: '', doc: 'only packets with one of these marks' },
    { name: 'priority', type: PAIR.priority, default: '8/8', doc: 'upload/download priority 1 (highest) .. 8' },
    { name: 'queue', type: PAIR.queue, default: 'default-small/default-small', doc: 'upload/download queue types' },
    { name: 'limit-at', type: RATE_PAIR, default: '0/0', doc: 'guaranteed upload/download rate (CIR)' },
    { name: 'max-limit', type: RATE_PAIR, default: '0/0', doc: 'maximum upload/download rate (MIR), 0 = unlimited' },
    { name: 'burst-limit', type: RATE_PAIR, default: '0/0', doc: 'upload/download rate while bursting' },
    { name: 'burst-threshold', type: RATE_PAIR, default: '0/0', doc: 'average rate below which bursting is allowed' },
    { name: 'burst-time', type: PAIR.time, default: '0s/0s', doc: 'averaging period for burst decisions' },
    { name: 'bucket-size', type: PAIR.bucket, default: '0.1/0.1', doc: 'token bucket size as a multiple of max-limit (0..10)' },
    { name: 'time', type: SCHEDULE, doc: 'active only in this time window (unset = always)' },
    { name: 'total-queue', type: ref('/queue type'), default: 'default-small', doc: 'queue type of the combined direction' },
    { name: 'total-priority', type: int(1, 8), default: '8', doc: 'priority of the combined direction' },
    { name: 'total-limit-at', type: RATE, default: '0', doc: 'guaranteed rate of both directions together' },
    { name: 'total-max-limit', type: RATE, default: '0', doc: 'maximum rate of both directions together' },
    { name: 'total-burst-limit', type: RATE, default: '0', doc: 'burst rate of both directions together' },
    { name: 'total-burst-threshold', type: RATE, default: '0', doc: 'burst threshold of both directions together' },
    { name: 'total-burst-time', type: time(), default: '0s', doc: 'burst averaging period of the combined direction' },
    { name: 'total-bucket-size', type: BUCKET, default: '0.1', doc: 'token bucket size of the combined direction' },
  ],
  columns: ['name', 'target', 'parent', 'max-limit'],
  unique: [['name']],
  verbs: ['reset-counters', 'reset-counters-all'],
  doc: 'simple queues: first matching queue (by target) limits the traffic',
});

// ---------------------------------------------------------------------------------------------------------
// /queue tree

const treeCheck: ItemCheck = (get) => {
  const errors: string[] = [];
  if ((get('parent') ?? '').trim() === '') errors.push('parent must be global, an interface or a queue tree name');
  return errors;
};

const QUEUE_TREE = menu({
  path: '/queue tree',
  key: 'name',
  props: [
    { name: 'name', type: str(), doc: 'queue name (queueN when not given)' },
    {
      name: 'parent',
      type: str(),
      required: true,
      doc: 'global (HTB before simple queues), an interface (replaces its interface queue) or another tree queue',
    },
    { name: 'packet-mark', type: { t: 'list', of: str() }, default: '', doc: 'packet marks this queue takes (leaves only)' },
    { name: 'limit-at', type: RATE, default: '0', doc: 'guaranteed rate (CIR)' },
    { name: 'max-limit', type: RATE, default: '0', doc: 'maximum rate (MIR), 0 = unlimited' },
    { name: 'burst-limit', type: RATE, default: '0', doc: 'rate while bursting' },
    { name: 'burst-threshold', type: RATE, default: '0', doc: 'average rate below which bursting is allowed' },
    { name: 'burst-time', type: time(), default: '0s', doc: 'averaging period for burst decisions' },
    { name: 'bucket-size', type: BUCKET, default: '0.1', doc: 'token bucket size as a multiple of max-limit (0..10)' },
    { name: 'priority', type: int(1, 8), default: '8', doc: 'priority among siblings, 1 highest' },
    { name: 'queue', type: ref('/queue type'), default: 'default-small', doc: 'queue type of this queue' },
  ],
  columns: ['name', 'parent', 'packet-mark', 'limit-at', 'max-limit'],
  unique: [['name']],
  check: treeCheck,
  verbs: ['reset-counters', 'reset-counters-all'],
  doc: 'hierarchical token bucket queues',
});

export const MENUS: MenuSpec[] = [QUEUE_TYPE, QUEUE_INTERFACE, QUEUE_SIMPLE, QUEUE_TREE];
