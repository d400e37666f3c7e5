/**
 * RouterOS value kinds used by menu schemas: parse text to a value or an error message (never throw), and
 * print values back the way RouterOS does.
 *
 * Units: times are milliseconds, rates bits/s, sizes bytes; IPv4 addresses are uint32 numbers, IPv6
 * addresses 16-byte arrays (text parsing through the `ip-address` package).
 */
import { Address4, Address6 } from 'ip-address';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

function show(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 60)}...` : text}'`;
}

// ---------------------------------------------------------------------------------------------------------
// Lists and negation

/** Split a comma-separated list (RouterOS lists have no blanks; empty text is an empty list). */
export function splitList(text: string): string[] {
  return text === '' ? [] : text.split(',');
}

export function parseList<T>(text: string, item: (s: string) => Parsed<T>): Parsed<T[]> {
  const out: T[] = [];
  for (const part of splitList(text)) {
    if (part === '') return fail(`empty element in list ${show(text)}`);
    const r = item(part);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

export interface Negatable<T> {
  readonly negated: boolean;
  readonly value: T;
}

/** `!value` negation used by firewall matchers (`in-interface-list=!LAN`, `dst-address=!10.0.0.0/8`). */
export function parseNegatable<T>(text: string, inner: (s: string) => Parsed<T>): Parsed<Negatable<T>> {
  const negated = text.startsWith('!');
  const r = inner(negated ? text.slice(1) : text);
  return r.ok ? ok({ negated, value: r.value }) : r;
}

// ---------------------------------------------------------------------------------------------------------
// Booleans and integers

export function parseBool(text: string): Parsed<boolean> {
  switch (text) {
    case 'yes':
    case 'true':
      return ok(true);
    case 'no':
    case 'false':
      return ok(false);
    default:
      return fail(`expected yes or no, found ${show(text)}`);
  }
}

export function formatBool(v: boolean): string {
  return v ? 'yes' : 'no';
}

export interface IntBounds {
  readonly min?: number;
  readonly max?: number;
}

/** Decimal (optionally signed) or `0x` hexadecimal integer within bounds. */
export function parseInteger(text: string, bounds: IntBounds = {}): Parsed<number> {
  let n: number;
  if (/^[+-]?\d+$/.test(text)) n = Number(text);
  else if (/^0x[0-9a-fA-F]+$/.test(text)) n = parseInt(text.slice(2), 16);
  else return fail(`expected an integer, found ${show(text)}`);
  if (!Number.isSafeInteger(n)) return fail(`integer ${show(text)} is too large`);
  if (bounds.min !== undefined && n < bounds.min) return fail(`${n} is below the minimum ${bounds.min}`);
  if (bounds.max !== undefined && n > bounds.max) return fail(`${n} is above the maximum ${bounds.max}`);
  return ok(n);
}

export interface IntRange {
  readonly from: number;
  readonly to: number;
}

/** `1000-2000` or a single integer (`80` is 80-80); non-negative. */
export function parseIntRange(text: string, bounds: IntBounds = {}): Parsed<IntRange> {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m === null) return fail(`expected an integer or a range like 1000-2000, found ${show(text)}`);
  const a = parseInteger(m[1]!, bounds);
  if (!a.ok) return a;
  const b = m[2] === undefined ? a : parseInteger(m[2], bounds);
  if (!b.ok) return b;
  if (b.value < a.value) return fail(`range ${show(text)} ends before it starts`);
  return ok({ from: a.value, to: b.value });
}

export function formatIntRange(r: IntRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

/** Port list: `80,443,8000-8080` (0-65535). */
export function parsePortList(text: string): Parsed<IntRange[]> {
  if (text === '') return fail('expected a port, a port range or a comma-separated list of them, found empty text');
  return parseList(text, (s) => parseIntRange(s, { min: 0, max: 65535 }));
}

export function formatPortList(list: readonly IntRange[]): string {
  return list.map(formatIntRange).join(',');
}

// ---------------------------------------------------------------------------------------------------------
// Times

const TIME_UNITS: Readonly<Record<string, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };

/**
 * RouterOS time: `1d2h3m4s`, `4w2d`, `500ms`, `1.5s`, plain seconds (`30`), clock form `00:01:00` (optionally
 * after weeks/days: `1d00:00:30`, `2w1d 10:00:00`). Result in milliseconds.
 */
export function parseTime(text: string): Parsed<number> {
  if (/^\d+(\.\d+)?$/.test(text)) return ok(Math.round(Number(text) * 1000 * 1000) / 1000);
  const m = /^((?:\d+(?:\.\d+)?(?:ms|us|w|d|h|m|s))*)\s?(?:(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?$/.exec(text);
  if (m === null || text === '' || (m[1] === '' && m[2] === undefined)) {
    return fail(`expected a time like 1d2h3m4s, 500ms, 30 or 00:01:00, found ${show(text)}`);
  }
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|us|w|d|h|m|s)/g;
  let u: RegExpExecArray | null;
  let lastUnit = Infinity;
  while ((u = re.exec(m[1]!)) !== null) {
    const scale = TIME_UNITS[u[2]!]!;
    if (scale >= lastUnit) return fail(`time ${show(text)} repeats or misorders its units (use w, d, h, m, s, ms in that order)`);
    lastUnit = scale;
    ms += Number(u[1]) * scale;
  }
  if (m[2] !== undefined) {
    if (lastUnit <= TIME_UNITS.h!) return fail(`time ${show(text)} mixes h/m/s units with a clock time`);
    const h = Number(m[2]);
    const min = Number(m[3]);
    const sec = m[4] === undefined ? 0 : Number(m[4]);
    if (min > 59 || sec > 59) return fail(`time ${show(text)} has minutes or seconds above 59`);
    ms += h * 3_600_000 + min * 60_000 + sec * 1000;
    if (m[5] !== undefined) ms += Number(`0.${m[5]}`) * 1000;
  }
  return ok(Math.round(ms * 1000) / 1000);
}

/** Compact RouterOS time: `1w2d3h4m5s`, `500ms`, `0s`. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  let rest = Math.round(ms * 1000) / 1000;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const scale = TIME_UNITS[unit]!;
    const n = Math.floor(rest / scale + 1e-9);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * scale;
    }
  }
  if (rest > 1e-9) out += `${Math.round(rest * 1000)}us`;
  return out === '' ? '0s' : out;
}

// ---------------------------------------------------------------------------------------------------------
// Rates and sizes

const DECIMAL: Readonly<Record<string, number>> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BINARY: Readonly<Record<string, number>> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** Bits per second: `10M`, `512k`, `1G`, `1.5M`, `64000`. */
export function parseRate(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)([kKMGT]?)$/.exec(text);
  if (m === null) return fail(`expected a rate in bits/s like 10M, 512k or 64000, found ${show(text)}`);
  const v = Math.round(Number(m[1]) * DECIMAL[m[2]!]!);
  return Number.isSafeInteger(v) ? ok(v) : fail(`rate ${show(text)} is too large`);
}

/** Shortest exact RouterOS spelling: `10M`, `1500k`, `64001`. */
export function formatRate(bps: number): string {
  for (const [unit, scale] of [
    ['T', 1e12],
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (bps !== 0 && bps % scale === 0) return `${bps / scale}${unit}`;
  }
  return String(bps);
}

export interface RatePair {
  /** First number: upload (target to outside) in simple queues. */
  readonly upload: number;
  readonly download: number;
}

/** `10M/5M` (upload/download) or a single rate used for both directions. */
export function parseRatePair(text: string): Parsed<RatePair> {
  const parts = text.split('/');
  if (parts.length > 2) return fail(`expected upload/download rates like 10M/5M, found ${show(text)}`);
  const up = parseRate(parts[0]!);
  if (!up.ok) return up;
  const down = parts.length === 2 ? parseRate(parts[1]!) : up;
  if (!down.ok) return down;
  return ok({ upload: up.value, download: down.value });
}

export function formatRatePair(p: RatePair): string {
  return `${formatRate(p.upload)}/${formatRate(p.download)}`;
}

/** Bytes: `1000`, `50KiB`, `1MiB` (binary), `64k`, `2M` (decimal). */
export function parseSize(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)(KiB|MiB|GiB|TiB|[kKMGT]?)$/.exec(text);
  if (m === null) return fail(`expected a size in bytes like 1000, 50KiB or 1MiB, found ${show(text)}`);
  const scale = BINARY[m[2]!] ?? DECIMAL[m[2]!]!;
  const v = Math.round(Number(m[1]) * scale);
  return Number.isSafeInteger(v) ? ok(v) : fail(`size ${show(text)} is too large`);
}

/** Binary units when exact (`50KiB`), else plain bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, scale] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes !== 0 && bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return String(bytes);
}

// ---------------------------------------------------------------------------------------------------------
// IPv4

/** Dotted-quad IPv4 address as an unsigned 32-bit number. */
export function parseIpv4(text: string): Parsed<number> {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || !Address4.isValid(text)) return fail(`expected an IPv4 address like 192.168.88.1, found ${show(text)}`);
  const g = text.split('.').map(Number);
  return ok(((g[0]! << 24) | (g[1]! << 16) | (g[2]! << 8) | g[3]!) >>> 0);
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Ipv4Prefix {
  /** The address as written (host bits may be set, e.g. in `/ip address`). */
  readonly address: number;
  readonly length: number;
  /** The address with host bits cleared. */
  readonly network: number;
}

export function ipv4Mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** `10.0.0.0/8`; with `bareIsHost`, a bare address is a /32 (as RouterOS accepts in prefix properties). */
export function parseIpv4Prefix(text: string, opts: { bareIsHost?: boolean } = {}): Parsed<Ipv4Prefix> {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!opts.bareIsHost) return fail(`expected an IPv4 prefix like 10.0.0.0/8, found ${show(text)}`);
    const a = parseIpv4(text);
    return a.ok ? ok({ address: a.value, length: 32, network: a.value }) : a;
  }
  const a = parseIpv4(text.slice(0, slash));
  if (!a.ok) return fail(`expected an IPv4 prefix like 10.0.0.0/8, found ${show(text)}`);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText) || Number(lenText) > 32 || !Address4.isValid(text)) {
    return fail(`expected a prefix length 0-32 after '/', found ${show(lenText)} in ${show(text)}`);
  }
  const length = Number(lenText);
  return ok({ address: a.value, length, network: (a.value & ipv4Mask(length)) >>> 0 });
}

export function formatIpv4Prefix(p: { readonly address: number; readonly length: number }): string {
  return `${formatIpv4(p.address)}/${p.length}`;
}

export interface Ipv4Range {
  readonly from: number;
  readonly to: number;
}

/** `192.168.88.10-192.168.88.254`. */
export function parseIpv4Range(text: string): Parsed<Ipv4Range> {
  const parts = text.split('-');
  if (parts.length !== 2) return fail(`expected an IPv4 range like 10.0.0.10-10.0.0.20, found ${show(text)}`);
  const a = parseIpv4(parts[0]!);
  if (!a.ok) return a;
  const b = parseIpv4(parts[1]!);
  if (!b.ok) return b;
  if (b.value < a.value) return fail(`IPv4 range ${show(text)} ends before it starts`);
  return ok({ from: a.value, to: b.value });
}

export function formatIpv4Range(r: Ipv4Range): string {
  return `${formatIpv4(r.from)}-${formatIpv4(r.to)}`;
}

/** What firewall address matchers accept: an address (as /32), a prefix, or a range, as an inclusive span. */
export type Ipv4Spec = { readonly kind: 'prefix'; readonly prefix: Ipv4Prefix } | { readonly kind: 'range'; readonly range: Ipv4Range };

export function parseIpv4Spec(text: string): Parsed<Ipv4Spec> {
  if (text.includes('-')) {
    const r = parseIpv4Range(text);
    return r.ok ? ok({ kind: 'range', range: r.value }) : r;
  }
  const p = parseIpv4Prefix(text, { bareIsHost: true });
  return p.ok ? ok({ kind: 'prefix', prefix: p.value }) : fail(`expected an IPv4 address, prefix or range, found ${show(text)}`);
}

// ---------------------------------------------------------------------------------------------------------
// IPv6

/** IPv6 address as 16 bytes (no zone index). */
export function parseIpv6(text: string): Parsed<Uint8Array> {
  if (!text.includes(':') || text.includes('/') || text.includes('%') || !Address6.isValid(text)) {
    return fail(`expected an IPv6 address like 2001:db8::1, found ${show(text)}`);
  }
  const groups = new Address6(text).canonicalForm().split(':');
  const out = new Uint8Array(16);
  groups.forEach((g, k) => {
    const v = parseInt(g, 16);
    out[2 * k] = v >> 8;
    out[2 * k + 1] = v & 255;
  });
  return ok(out);
}

export function formatIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let k = 0; k < 16; k += 2) groups.push(((bytes[k]! << 8) | bytes[k + 1]!).toString(16));
  return new Address6(groups.join(':')).correctForm();
}

export interface Ipv6Prefix {
  readonly address: Uint8Array;
  readonly length: number;
}

/** `2001:db8::/32`; with `bareIsHost`, a bare address is a /128. */
export function parseIpv6Prefix(text: string, opts: { bareIsHost?: boolean } = {}): Parsed<Ipv6Prefix> {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!opts.bareIsHost) return fail(`expected an IPv6 prefix like 2001:db8::/32, found ${show(text)}`);
    const a = parseIpv6(text);
    return a.ok ? ok({ address: a.value, length: 128 }) : a;
  }
  const a = parseIpv6(text.slice(0, slash));
  if (!a.ok) return fail(`expected an IPv6 prefix like 2001:db8::/32, found ${show(text)}`);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > 128) return fail(`expected a prefix length 0-128 after '/', found ${show(lenText)} in ${show(text)}`);
  return ok({ address: a.value, length: Number(lenText) });
}

export function formatIpv6Prefix(p: Ipv6Prefix): string {
  return `${formatIpv6(p.address)}/${p.length}`;
}

export interface Ipv6Range {
  readonly from: Uint8Array;
  readonly to: Uint8Array;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

/** `2001:db8::10-2001:db8::20`. */
export function parseIpv6Range(text: string): Parsed<Ipv6Range> {
  const parts = text.split('-');
  if (parts.length !== 2) return fail(`expected an IPv6 range like 2001:db8::10-2001:db8::20, found ${show(text)}`);
  const a = parseIpv6(parts[0]!);
  if (!a.ok) return a;
  const b = parseIpv6(parts[1]!);
  if (!b.ok) return b;
  if (compareBytes(b.value, a.value) < 0) return fail(`IPv6 range ${show(text)} ends before it starts`);
  return ok({ from: a.value, to: b.value });
}

export function formatIpv6Range(r: Ipv6Range): string {
  return `${formatIpv6(r.from)}-${formatIpv6(r.to)}`;
}

// ---------------------------------------------------------------------------------------------------------
// MAC addresses and item ids

/** `AA:BB:CC:DD:EE:FF` (hex, either case). */
export function parseMac(text: string): Parsed<Uint8Array> {
  if (!/^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){5}$/.test(text)) return fail(`expected a MAC address like 4C:5E:0C:33:B0:56, found ${show(text)}`);
  return ok(Uint8Array.from(text.split(':').map((h) => parseInt(h, 16))));
}

export function formatMac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** Internal item id `*1A`. */
export function parseId(text: string): Parsed<number> {
  if (!/^\*[0-9A-Fa-f]{1,8}$/.test(text)) return fail(`expected an item id like *1A, found ${show(text)}`);
  return ok(parseInt(text.slice(1), 16));
}

export function formatId(n: number): string {
  return `*${n.toString(16).toUpperCase()}`;
}
