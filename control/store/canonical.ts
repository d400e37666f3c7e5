/**
 * Canonical value text: what RouterOS prints for a value a user wrote.
 *
 * The store keeps every value as canonical text (schema.ts), so `export` prints it as RouterOS would, `find`
 * compares like with like (`00:01:00` finds `1m`) and loading an export again changes nothing. Parsing is
 * done by control/routeros/values.ts; this module only decides the printed form per `ValueType`:
 *
 * - times compact (`00:01:00` → `1m`, `1h30m` stays, `90` → `1m30s`); `none` where allowed;
 * - booleans `yes`/`no` (RouterOS also takes `true`/`false`, as the API and scripts write them);
 * - integers decimal, except that hex stays hex (`priority=0x8000`, as RouterOS prints it); rates, sizes and rate pairs in their shortest exact spelling;
 * - IPv4 prefixes of `/ip address` style (`ip4-prefix`) keep host bits (`192.168.88.1/24` is an address on
 *   a subnet); a bare address becomes `/32` where the type allows it;
 * - firewall address matchers (`ip4-spec`, `ip6-spec`) drop host bits (`10.0.0.5/24` → `10.0.0.0/24`), print
 *   `/32` as a bare address and keep ranges as ranges, aligned or not;
 * - address-list entries (`address-entry`) are stored as RouterOS saves them: host bits dropped, `/32` bare,
 *   and an IPv4 range that is exactly one prefix becomes that prefix (`192.168.0.0-192.168.1.255` →
 *   `192.168.0.0/23`, ROUTEROS-FLOW §2); IPv6 entries are prefixes (`::1` → `::1/128`); DNS names as written;
 * - MAC addresses upper case; IPv6 compressed (RFC 5952);
 * - enums and flag sets checked word by word (flags keep the written order, duplicates dropped);
 * - `!value` negation (firewall matchers) kept as a prefix of the canonical value;
 * - passwords (`/user password=`) stored as a salted hash (password.ts): the text written never stays.
 *
 * Errors say what was expected (`expected a time like 1h30m or 00:01:00, found '1x'`).
 */
import type { ValueType } from '../menus/schema';
import * as v from '../routeros/values';
import { hashPassword } from './password';

export type Canonical = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly expected: string };

const ok = (value: string): Canonical => ({ ok: true, value });
const bad = (expected: string): Canonical => ({ ok: false, expected });

function show(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 60)}...` : text}'`;
}

/** `expected ..., found 'x'`. */
function expected(what: string, text: string): Canonical {
  return bad(`expected ${what}, found ${text === '' ? 'nothing' : show(text)}`);
}

const DNS_NAME = /^(?=.*[A-Za-z_])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** Canonical text of `text` as a value of `type`; `negatable` allows a leading `!`. */
export function canonical(type: ValueType, text: string, negatable: boolean): Canonical {
  if (negatable && text.startsWith('!')) {
    const r = canonicalPlain(type, text.slice(1));
    return r.ok ? ok('!' + r.value) : r;
  }
  return canonicalPlain(type, text);
}

/** A short description of what a type accepts (for messages and the console's `?` help). */
export function describeType(type: ValueType): string {
  switch (type.t) {
    case 'str':
      return 'text';
    case 'bool':
      return 'yes or no';
    case 'int':
      return type.min !== undefined && type.max !== undefined ? `an integer ${type.min}..${type.max}` : 'an integer';
    case 'enum':
      return `one of ${listWords(type.values)}`;
    case 'flags':
      return `a comma-separated list of ${listWords(type.values)}`;
    case 'time':
      return `a time like 1h30m or 00:01:00${type.orNone ? ', or none' : ''}`;
    case 'rate':
      return 'a rate in bits/s like 10M, 512k or 64000';
    case 'rate-pair':
      return 'upload/download rates like 10M/5M';
    case 'size':
      return 'a size in bytes like 1000, 50KiB or 1MiB';
    case 'ip4':
      return 'an IPv4 address like 192.168.88.1';
    case 'ip4-prefix':
      return type.bareIsHost ? 'an IPv4 address or prefix like 192.168.88.1/24' : 'an IPv4 prefix like 192.168.88.0/24';
    case 'ip4-spec':
      return 'an IPv4 address, prefix or range like 10.0.0.0/8 or 10.0.0.10-10.0.0.20';
    case 'ip6':
      return 'an IPv6 address like 2001:db8::1';
    case 'ip6-prefix':
      return 'an IPv6 prefix like 2001:db8::/32';
    case 'ip6-spec':
      return 'an IPv6 address, prefix or range like 2001:db8::/32';
    case 'address-entry':
      return 'an IP address, prefix, range or DNS name';
    case 'mac':
      return 'a MAC address like 4C:5E:0C:33:B0:56';
    case 'ports':
      return 'a port, a port range or a comma-separated list of them (80,443,8000-8080)';
    case 'int-range':
      return 'an integer or a range like 1000-2000';
    case 'ref':
      return `the name of an item of ${type.menu}${type.also && type.also.length ? ` or ${listWords(type.also)}` : ''}`;
    case 'list':
      return `a comma-separated list of ${describeType(type.of)}`;
    case 'raw':
      return type.expect ?? 'a value';
    case 'password':
      return 'a password';
  }
}

function listWords(words: readonly string[]): string {
  const shown = words.length > 12 ? [...words.slice(0, 12), '...'] : words;
  return shown.join(', ');
}

function canonicalPlain(type: ValueType, text: string): Canonical {
  switch (type.t) {
    case 'str':
      return ok(text);
    case 'bool': {
      const r = v.parseBool(text);
      return r.ok ? ok(v.formatBool(r.value)) : expected('yes or no', text);
    }
    case 'int': {
      const r = v.parseInteger(text, { ...(type.min !== undefined ? { min: type.min } : {}), ...(type.max !== undefined ? { max: type.max } : {}) });
      // RouterOS prints some integers in hex (bridge priority=0x8000, icmp-rate-mask=0x1818): hex stays hex.
      if (r.ok) return ok(text.startsWith('0x') ? `0x${r.value.toString(16)}` : String(r.value));
      return /^([+-]?\d+|0x[0-9a-fA-F]+)$/.test(text) ? bad(`expected ${describeType(type)}: ${r.error}`) : expected(describeType(type), text);
    }
    case 'enum':
      return type.values.includes(text) ? ok(text) : expected(describeType(type), text);
    case 'flags': {
      if (text === '') return ok('');
      const seen = new Set<string>();
      for (const part of text.split(',')) {
        const word = type.negItems && part.startsWith('!') ? part.slice(1) : part;
        if (!type.values.includes(word)) return bad(`expected ${describeType(type)}${type.negItems ? ' (each may start with !)' : ''}, found ${show(part)} in ${show(text)}`);
        seen.add(part);
      }
      return ok([...seen].join(','));
    }
    case 'time': {
      if (type.orNone && text === 'none') return ok('none');
      const r = v.parseTime(text);
      return r.ok ? ok(v.formatTime(r.value)) : expected(describeType(type), text);
    }
    case 'rate': {
      const r = v.parseRate(text);
      return r.ok ? ok(v.formatRate(r.value)) : expected(describeType(type), text);
    }
    case 'rate-pair': {
      const r = v.parseRatePair(text);
      return r.ok ? ok(v.formatRatePair(r.value)) : expected(describeType(type), text);
    }
    case 'size': {
      const r = v.parseSize(text);
      return r.ok ? ok(v.formatSize(r.value)) : expected(describeType(type), text);
    }
    case 'ip4': {
      if (quad(text, 0, text.length) >= 0) return ok(text);
      const r = v.parseIpv4(text);
      return r.ok ? ok(v.formatIpv4(r.value)) : expected(describeType(type), text);
    }
    case 'ip4-prefix': {
      const slash = text.indexOf('/');
      if (slash > 0 && quad(text, 0, slash) >= 0 && /^\/([1-2]?\d|3[0-2])$/.test(text.slice(slash))) return ok(text);
      const r = v.parseIpv4Prefix(text, { bareIsHost: type.bareIsHost ?? false });
      return r.ok ? ok(v.formatIpv4Prefix(r.value)) : expected(describeType(type), text);
    }
    case 'ip4-spec':
      return ip4Spec(text, false) ?? expected(describeType(type), text);
    case 'ip6': {
      const r = v.parseIpv6(text);
      return r.ok ? ok(v.formatIpv6(r.value)) : expected(describeType(type), text);
    }
    case 'ip6-prefix': {
      const r = v.parseIpv6Prefix(text);
      return r.ok ? ok(v.formatIpv6Prefix(r.value)) : expected(describeType(type), text);
    }
    case 'ip6-spec':
      return ip6Spec(text, false) ?? expected(describeType(type), text);
    case 'address-entry': {
      const r = ip4Spec(text, true) ?? ip6Spec(text, true);
      if (r) return r;
      if (DNS_NAME.test(text) && text.length <= 253) return ok(text);
      return expected(describeType(type), text);
    }
    case 'mac': {
      const r = v.parseMac(text);
      return r.ok ? ok(v.formatMac(r.value)) : expected(describeType(type), text);
    }
    case 'ports': {
      const r = v.parsePortList(text);
      return r.ok ? ok(v.formatPortList(r.value)) : expected(describeType(type), text);
    }
    case 'int-range': {
      const r = v.parseIntRange(text, { ...(type.min !== undefined ? { min: type.min } : {}), ...(type.max !== undefined ? { max: type.max } : {}) });
      if (r.ok) return ok(v.formatIntRange(r.value));
      return /^\d+(-\d+)?$/.test(text) ? bad(`expected ${describeType(type)}: ${r.error}`) : expected(describeType(type), text);
    }
    case 'ref':
      // Existence is checked after the whole load (validate.ts); here only the shape.
      return /[\r\n]/.test(text) ? expected(describeType(type), text) : ok(text);
    case 'list': {
      if (text === '') return ok('');
      const out: string[] = [];
      for (const part of text.split(',')) {
        const r = canonicalPlain(type.of, part);
        if (!r.ok) return bad(`${r.expected} (in the list ${show(text)})`);
        out.push(r.value);
      }
      return ok(out.join(','));
    }
    case 'raw':
      if (type.pattern && !type.pattern.test(text)) return expected(type.expect ?? `a value matching ${type.pattern.source}`, text);
      return ok(text);
    case 'password':
      return ok(hashPassword(text));
  }
}

/**
 * Dotted quad → uint32, or -1. The hot path of big address lists and rule sets; what it rejects goes to
 * values.ts, which says why.
 */
function quad(text: string, from: number, to: number): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? n * 256 + part : -1;
}

/** `a.b.c.d` or `a.b.c.d/len` in canonical (masked) form, or undefined to take the slow path. */
function fastIp4(text: string): Canonical | undefined {
  const slash = text.indexOf('/');
  const a = quad(text, 0, slash < 0 ? text.length : slash);
  if (a < 0) return undefined;
  if (slash < 0) return ok(text);
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > 32) return undefined;
  const net = (a & v.ipv4Mask(len)) >>> 0;
  return ok(len === 32 ? v.formatIpv4(net) : net === a && lenText[0] !== '0' ? text : `${v.formatIpv4(net)}/${len}`);
}

/** IPv4 address, prefix or range; `entry`: address-list rules (aligned ranges become prefixes). */
function ip4Spec(text: string, entry: boolean): Canonical | undefined {
  const fast = fastIp4(text);
  if (fast !== undefined) return fast;
  if (text.includes('-')) {
    const r = v.parseIpv4Range(text);
    if (!r.ok) return text.includes(':') || !/^[\d.]+-[\d.]+$/.test(text) ? undefined : bad(`expected an IPv4 range like 10.0.0.10-10.0.0.20: ${r.error}`);
    if (entry) {
      const len = alignedLength(r.value.from, r.value.to);
      if (len !== undefined) return ok(len === 32 ? v.formatIpv4(r.value.from) : `${v.formatIpv4(r.value.from)}/${len}`);
    }
    return ok(v.formatIpv4Range(r.value));
  }
  if (!/^\d/.test(text) || text.includes(':')) return undefined;
  const p = v.parseIpv4Prefix(text, { bareIsHost: true });
  if (!p.ok) return /^[\d.]+(\/\d*)?$/.test(text) ? bad(`expected an IPv4 address, prefix or range: ${p.error}`) : undefined;
  return ok(p.value.length === 32 ? v.formatIpv4(p.value.network) : `${v.formatIpv4(p.value.network)}/${p.value.length}`);
}

/** Prefix length when [from, to] is exactly one aligned prefix. */
function alignedLength(from: number, to: number): number | undefined {
  const size = to - from + 1;
  if ((size & (size - 1)) !== 0 && size !== 2 ** 32) return undefined;
  const len = 32 - Math.log2(size);
  if (!Number.isInteger(len)) return undefined;
  return ((from & v.ipv4Mask(len)) >>> 0) === from ? len : undefined;
}

/** IPv6 address, prefix or range; `entry`: address-list rules (addresses as /128). */
function ip6Spec(text: string, entry: boolean): Canonical | undefined {
  if (!text.includes(':')) return undefined;
  if (text.includes('-')) {
    const r = v.parseIpv6Range(text);
    return r.ok ? ok(v.formatIpv6Range(r.value)) : bad(`expected an IPv6 range like 2001:db8::10-2001:db8::20: ${r.error}`);
  }
  const p = v.parseIpv6Prefix(text, { bareIsHost: true });
  if (!p.ok) return bad(`expected an IPv6 address, prefix or range: ${p.error}`);
  const masked = maskIpv6(p.value.address, p.value.length);
  if (p.value.length === 128 && !entry && !text.includes('/')) return ok(v.formatIpv6(masked));
  return ok(`${v.formatIpv6(masked)}/${p.value.length}`);
}

function maskIpv6(address: Uint8Array, length: number): Uint8Array {
  const out = Uint8Array.from(address);
  for (let bit = length; bit < 128; bit++) out[bit >> 3] = out[bit >> 3]! & ~(0x80 >> (bit & 7));
  return out;
}
