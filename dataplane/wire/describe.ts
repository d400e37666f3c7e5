/**
 * describeFrame: a one-line, tcpdump-style summary of a frame, for traces, the demo and test failures.
 * Off the hot path (it builds strings); it never throws on any input.
 *
 * Close to `tcpdump -n` for the common cases, with these deliberate differences:
 * - VLAN tags are always shown (`vlan 123, p 0, `; QinQ `vlan 200, p 0, ethertype 802.1Q, vlan 2001, p 0, `);
 * - TCP sequence numbers are absolute (tcpdump -S), there is no per-connection state;
 * - UDP payloads are not decoded (`UDP, length N`, as tcpdump -q);
 * - IPv4 fragments carry `(frag ID:SIZE@OFFSET[+])`, later fragments print `ip-proto-N (frag ...)`;
 * - frames parseFrame would drop end in `[malformed: <drop reason>]`.
 * With `opts.macs` a link prefix is added as tcpdump -e does:
 * `00:11:22:33:44:55 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 98: ...`.
 */
import { DROP_NAMES, Drop } from '../drop';
import { metaColumns, type MetaColumns } from '../buf/meta';
import { parseFrame } from './parse';
import { macToString, isVlanTpid } from './ethernet';
import { ipv4ToString } from './ipv4';
import { ipv6ToString } from './ipv6';
import { ipv4ChecksumOk, l4ChecksumOk4, l4ChecksumOk6 } from './checksum';
import { parseTcpOptions, type TcpOptionRepr } from './tcp';

export interface DescribeOptions {
  /** Prefix the link header as tcpdump -e does. */
  macs?: boolean;
  /** Frame length on the wire when the capture kept fewer bytes (`len`); shown with `macs`, and lets a
   * snapped frame be described as far as it goes. */
  wireLen?: number;
  /** Verify IPv4 header and L4 checksums and append `[bad ip cksum]` / `[bad tcp cksum]` etc. */
  checksums?: boolean;
}

let scratch: MetaColumns | undefined;

const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8100: '802.1Q',
  0x86dd: 'IPv6',
  0x88a8: '802.1Q-QinQ',
  0x9100: '802.1Q-9100',
  0x8863: 'PPPoE D',
  0x8864: 'PPPoE S',
  0x8847: 'MPLS unicast',
  0x8848: 'MPLS multicast',
  0x88cc: 'LLDP',
  0x888e: 'EAPOL',
  0x8035: 'Reverse ARP',
};

function hex4(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0');
}

function etherTypeText(t: number): string {
  const n = ETHERTYPE_NAMES[t];
  return n ? `${n} (${hex4(t)})` : `Unknown (${hex4(t)})`;
}

/** One-line summary of the frame `b[off .. off+len)` of pcap link type `linkType`. */
export function describeFrame(b: Uint8Array, off: number, len: number, linkType: number, opts: DescribeOptions = {}): string {
  try {
    return describeInner(b, off, len, linkType, opts);
  } catch (e) {
    // Defensive: describe must never take a trace or a test report down with it.
    return `[describe failed: ${(e as Error).message}]`;
  }
}

function describeInner(b: Uint8Array, off: number, len0: number, linkType: number, opts: DescribeOptions): string {
  const len = Math.max(0, Math.min(len0, b.length - off));
  if (off < 0 || off > b.length) return `[malformed: ${DROP_NAMES[Drop.ETHERNET_TRUNCATED]}]`;
  const m = (scratch ??= metaColumns(1).cols);
  m.flags[0] = opts.wireLen !== undefined && opts.wireLen > len ? 0x1000 : 0;
  const drop = parseFrame(b, off, len, linkType, m, 0, false);
  const flags = m.flags[0]!;
  const l3 = m.l3Off[0]!;
  const et = m.etherType[0]!;
  const wire = opts.wireLen ?? len;

  // ---- link prefix ----
  let out = '';
  if (linkType === 1) {
    if (len < 14) return `[malformed: ${DROP_NAMES[drop]}]`;
    if (opts.macs) out += `${macToString(b, off + 6)} > ${macToString(b, off)}, ethertype ${etherTypeText(u16(b, off + 12))}, length ${wire}: `;
    out += vlanText(b, off, 12, len);
  } else if (linkType === 113 || linkType === 276) {
    const hl = linkType === 113 ? 16 : 20;
    if (len < hl) return `[malformed: ${DROP_NAMES[drop]}]`;
    if (opts.macs) {
      const pt = linkType === 113 ? u16(b, off) : b[off + 10]!;
      const dir = ['In', 'B', 'M', 'P', 'Out'][pt] ?? `pkttype ${pt}`;
      const proto = linkType === 113 ? u16(b, off + 14) : u16(b, off);
      out += `${dir} ethertype ${etherTypeText(proto)}, length ${wire}: `;
    }
    out += vlanText(b, off, hl - 2, len);
  } else if (linkType === 101) {
    if (opts.macs) out += `raw, length ${wire}: `;
  } else {
    return `[malformed: ${DROP_NAMES[drop]}] link-type ${linkType}, length ${len}`;
  }
  if (drop === Drop.VLAN_TRUNCATED || drop === Drop.VLAN_TOO_DEEP || (drop === Drop.SNAPLEN_TRUNCATED && l3 === 0)) return out + `[malformed: ${DROP_NAMES[drop]}]`;

  const q = off + l3;
  const avail = len - l3;
  if (et === 0x0800) return out + describeIpv4(b, q, avail, flags, drop, m, opts);
  if (et === 0x86dd) return out + describeIpv6(b, q, avail, flags, drop, m, opts);
  if (et === 0x0806) return out + describeArp(b, q, avail, drop);
  if (et === 0x8864 || et === 0x8863) return out + describePppoe(b, q, avail, et, opts);
  // a type field below 0x0600 is an 802.3 length: LLC frames (STP BPDUs, CDP...)
  if (et < 0x0600 && linkType === 1) return out + `802.3 LLC${avail >= 2 ? ` dsap 0x${b[q]!.toString(16).padStart(2, '0')} ssap 0x${b[q + 1]!.toString(16).padStart(2, '0')}` : ''}, length ${et}`;
  return out + `ethertype ${hex4(et)}, length ${len}`;
}

/** `vlan V, p P, ` for each tag starting with the type field at `off + t`. */
function vlanText(b: Uint8Array, off: number, t: number, len: number): string {
  let s = '';
  let p = t;
  let n = 0;
  while (p + 2 <= len && isVlanTpid(u16(b, off + p)) && n < 5) {
    if (n > 0) s += `ethertype ${ETHERTYPE_NAMES[u16(b, off + p)]}, `;
    if (p + 6 > len) break;
    const tci = u16(b, off + p + 2);
    s += `vlan ${tci & 0xfff}, p ${tci >>> 13}, ${tci & 0x1000 ? 'DEI, ' : ''}`;
    p += 4;
    n++;
  }
  return s;
}

function malformed(drop: number): string {
  return `[malformed: ${DROP_NAMES[drop] ?? drop}]`;
}

// ---- IPv4 ---------------------------------------------------------------------------------------

function describeIpv4(b: Uint8Array, q: number, avail: number, flags: number, drop: number, m: MetaColumns, opts: DescribeOptions): string {
  if (avail < 20 || drop === Drop.IPV4_TRUNCATED || drop === Drop.IPV4_BAD_VERSION || drop === Drop.IPV4_BAD_IHL || drop === Drop.IPV4_BAD_TOTAL_LENGTH || (drop === Drop.SNAPLEN_TRUNCATED && m.l3Len[0] === 0))
    return `IP ${malformed(drop)}`;
  const src = ipv4ToString(u32(b, q + 12));
  const dst = ipv4ToString(u32(b, q + 16));
  const hl = (b[q]! & 15) << 2;
  const tl = u16(b, q + 2);
  const lim = Math.min(tl, avail);
  const proto = b[q + 9]!;
  const fw = u16(b, q + 6);
  const id = u16(b, q + 4);
  const fragNote = flags & 0x40 ? ` (frag ${id}:${tl - hl}@${(fw & 0x1fff) << 3}${fw & 0x2000 ? '+' : ''})` : '';
  let bad = '';
  if (opts.checksums && !ipv4ChecksumOk(b, q)) bad = ' [bad ip cksum]';
  if (drop !== 0 && drop !== Drop.IPV4_BAD_CHECKSUM) return `IP ${src} > ${dst}: ${malformed(drop)}`;
  if (flags & 0x80) return `IP ${src} > ${dst}: ${protoWord(proto)}${fragNote}${bad}`;
  const l4 = q + hl;
  const l4Len = lim - hl;
  if (opts.checksums && !(flags & 0x40) && tl <= avail && (proto === 6 || proto === 17 || proto === 1) && !l4ChecksumOk4(b, q, l4, tl - hl, proto))
    bad += ` [bad ${proto === 6 ? 'tcp' : proto === 17 ? 'udp' : 'icmp'} cksum]`;
  if (proto === 6) return `IP ${src}.${u16(b, l4)} > ${dst}.${u16(b, l4 + 2)}: ${describeTcp(b, l4, tl - hl, l4Len)}${fragNote}${bad}`;
  if (proto === 17) {
    const ul = u16(b, l4 + 4);
    // tcpdump: a first fragment shows the datagram's length, a whole packet at most its IP payload
    return `IP ${src}.${u16(b, l4)} > ${dst}.${u16(b, l4 + 2)}: UDP, length ${(flags & 0x40 ? ul : Math.min(ul, tl - hl)) - 8}${fragNote}${bad}`;
  }
  if (proto === 1) return `IP ${src} > ${dst}: ${describeIcmp(b, l4, tl - hl, l4Len)}${fragNote}${bad}`;
  return `IP ${src} > ${dst}: ${protoWord(proto)}, length ${tl - hl}${fragNote}${bad}`;
}

function protoWord(proto: number): string {
  const names: Record<number, string> = { 2: 'igmp', 47: 'GREv0', 50: 'ESP', 51: 'AH', 89: 'OSPFv2', 103: 'PIMv2', 112: 'VRRPv2', 132: 'sctp' };
  return names[proto] ?? `ip-proto-${proto}`;
}

// ---- TCP ----------------------------------------------------------------------------------------

const TCP_FLAG_CHARS: Array<[number, string]> = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
  [0x100, 'e'],
];

/** `Flags [S.], seq 1, ack 2, win 3, options [...], length 0` for the segment at `t`. */
function describeTcp(b: Uint8Array, t: number, segLen: number, avail: number): string {
  const hl = (b[t + 12]! >>> 4) << 2;
  const fl = ((b[t + 12]! & 1) << 8) | b[t + 13]!;
  let fs = '';
  for (const [bit, c] of TCP_FLAG_CHARS) if (fl & bit) fs += c;
  if (!fs) fs = 'none';
  const seq = u32(b, t + 4);
  const ack = u32(b, t + 8);
  const payload = segLen - hl;
  let s = `Flags [${fs}]`;
  if (payload > 0) s += `, seq ${seq}:${(seq + payload) >>> 0}`;
  else if (fl & 0x07) s += `, seq ${seq}`;
  if (fl & 0x10) s += `, ack ${ack}`;
  s += `, win ${u16(b, t + 14)}`;
  if (fl & 0x20) s += `, urg ${u16(b, t + 18)}`;
  if (hl > 20 && hl <= avail) {
    const opts = parseTcpOptions(b, t + 20, hl - 20);
    s += Array.isArray(opts) ? `, options [${opts.map(tcpOptionText).join(',')}]` : ', options [bad opt]';
  }
  s += `, length ${payload}`;
  return s;
}

function tcpOptionText(o: TcpOptionRepr): string {
  switch (o.kind) {
    case 'eol':
      return 'eol';
    case 'nop':
      return 'nop';
    case 'mss':
      return `mss ${o.value}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sack-permitted':
      return 'sackOK';
    case 'sack':
      return `sack ${o.blocks.length} ${o.blocks.map(([l, r]) => `{${l}:${r}}`).join('')}`;
    case 'timestamp':
      return `TS val ${o.val} ecr ${o.ecr}`;
    default: {
      const names: Record<number, string> = { 19: 'md5', 28: 'uto', 29: 'tcp-ao', 30: 'mptcp', 34: 'tfo' };
      return names[o.type] ?? `unknown-${o.type}`;
    }
  }
}

// ---- ICMP ---------------------------------------------------------------------------------------

function describeIcmp(b: Uint8Array, c: number, icmpLen: number, avail: number): string {
  const type = b[c]!;
  const code = b[c + 1]!;
  const tail = `, length ${icmpLen}`;
  switch (type) {
    case 0:
    case 8:
      return `ICMP echo ${type === 8 ? 'request' : 'reply'}, id ${u16(b, c + 4)}, seq ${u16(b, c + 6)}${tail}`;
    case 3:
      return `ICMP ${unreachText(b, c, code, avail)}${tail}`;
    case 4:
      return `ICMP source quench${tail}`;
    case 5: {
      const qd = quotedDst(b, c, avail);
      const gw = ipv4ToString(u32(b, c + 4));
      return `ICMP redirect ${qd ?? '?'} to ${code === 0 || code === 2 ? 'net' : 'host'} ${gw}${tail}`;
    }
    case 11:
      return `ICMP ${code === 1 ? 'ip reassembly time exceeded' : code === 0 ? 'time exceeded in-transit' : `time exceeded-#${code}`}${tail}`;
    case 12:
      return `ICMP parameter problem - ${code === 0 ? `octet ${b[c + 4]}` : `code ${code}`}${tail}`;
    case 13:
    case 14:
      return `ICMP time stamp ${type === 13 ? 'query' : 'reply'} id ${u16(b, c + 4)} seq ${u16(b, c + 6)}${tail}`;
    case 9:
      return `ICMP router advertisement${tail}`;
    case 10:
      return `ICMP router solicitation${tail}`;
  }
  return `ICMP type-#${type}${tail}`;
}

/** The quoted packet's destination address text, or undefined when it does not fit. */
function quotedDst(b: Uint8Array, c: number, avail: number): string | undefined {
  if (avail < 8 + 20 || b[c + 8]! >>> 4 !== 4) return undefined;
  return ipv4ToString(u32(b, c + 8 + 16));
}

function unreachText(b: Uint8Array, c: number, code: number, avail: number): string {
  const dst = quotedDst(b, c, avail) ?? '?';
  const qhl = (b[c + 8]! & 15) << 2;
  const qproto = avail >= 28 ? b[c + 8 + 9]! : -1;
  const qp = c + 8 + qhl;
  const portFits = avail >= 8 + qhl + 4 && qhl >= 20;
  switch (code) {
    case 0:
      return `net ${dst} unreachable`;
    case 1:
      return `host ${dst} unreachable`;
    case 2:
      return `${dst} protocol ${qproto} unreachable`;
    case 3:
      if (!portFits) return `${dst} port unreachable`;
      if (qproto === 17) return `${dst} udp port ${u16(b, qp + 2)} unreachable`;
      if (qproto === 6) return `${dst} tcp port ${u16(b, qp + 2)} unreachable`;
      return `${dst} protocol ${qproto} port ${u16(b, qp + 2)} unreachable`;
    case 4:
      return `${dst} unreachable - need to frag (mtu ${u16(b, c + 6)})`;
    case 5:
      return `${dst} unreachable - source route failed`;
    case 6:
      return `net ${dst} unreachable - unknown`;
    case 7:
      return `host ${dst} unreachable - unknown`;
    case 8:
      return `${dst} unreachable - source host isolated`;
    case 9:
      return `net ${dst} unreachable - admin prohibited`;
    case 10:
      return `host ${dst} unreachable - admin prohibited`;
    case 11:
      return `net ${dst} unreachable - tos prohibited`;
    case 12:
      return `host ${dst} unreachable - tos prohibited`;
    case 13:
      return `host ${dst} unreachable - admin prohibited filter`;
    case 14:
      return `host ${dst} unreachable - host precedence violation`;
    case 15:
      return `host ${dst} unreachable - precedence cutoff`;
  }
  return `${dst} unreachable - #${code}`;
}

// ---- IPv6 ---------------------------------------------------------------------------------------

function describeIpv6(b: Uint8Array, q: number, avail: number, flags: number, drop: number, m: MetaColumns, opts: DescribeOptions): string {
  if (avail < 40 || drop === Drop.IPV6_BAD_VERSION || drop === Drop.IPV6_BAD_PAYLOAD_LENGTH || (drop === Drop.SNAPLEN_TRUNCATED && m.l3Len[0] === 0))
    return `IP6 ${malformed(drop)}`;
  const src = ipv6ToString(b, q + 8);
  const dst = ipv6ToString(b, q + 24);
  const tl = 40 + u16(b, q + 4);
  const end = q + Math.min(tl, avail);
  // walk the extension headers for display
  let nh = b[q + 6]!;
  let h = q + 40;
  let pre = '';
  let frag = '';
  let n = 0;
  while ((nh === 0 || nh === 43 || nh === 60 || nh === 44 || nh === 51 || nh === 50) && h + 8 <= end && n++ < 8) {
    if (nh === 50) return `IP6 ${src} > ${dst}: ${pre}ESP(spi=0x${u32(b, h).toString(16).padStart(8, '0')},seq=0x${u32(b, h + 4).toString(16)}), length ${end - h}`;
    if (nh === 44) {
      const fo = u16(b, h + 2);
      frag = `frag (${fo & 0xfff8}|${q + tl - h - 8}) `;
      nh = b[h]!;
      h += 8;
      if ((fo & 0xfff8) !== 0) break;
      continue;
    }
    pre += nh === 0 ? 'HBH ' : nh === 60 ? 'DSTOPT ' : nh === 43 ? 'srcrt ' : 'AH ';
    const l = nh === 51 ? (b[h + 1]! + 2) << 2 : (b[h + 1]! + 1) << 3;
    nh = b[h]!;
    h += l;
  }
  if (drop !== 0) return `IP6 ${src} > ${dst}: ${pre}${frag}${malformed(drop)}`;
  if (flags & 0x80) return `IP6 ${src} > ${dst}: ${pre}${frag.trimEnd()}`;
  const l4 = h;
  const l4Len = q + tl - h;
  let bad = '';
  if (opts.checksums && !(flags & 0x40) && tl <= avail && (nh === 6 || nh === 17 || nh === 58) && !l4ChecksumOk6(b, q, l4, l4Len, nh))
    bad = ` [bad ${nh === 6 ? 'tcp' : nh === 17 ? 'udp' : 'icmp6'} cksum]`;
  if (nh === 6 || nh === 17) {
    const ports = `${u16(b, l4)} > ${u16(b, l4 + 2)}`;
    const body = nh === 6 ? describeTcp(b, l4, l4Len, end - l4) : `UDP, length ${(frag ? u16(b, l4 + 4) : Math.min(u16(b, l4 + 4), l4Len)) - 8}`;
    if (frag) return `IP6 ${src} > ${dst}: ${pre}${frag}${ports}: ${body}${bad}`;
    return `IP6 ${src}.${u16(b, l4)} > ${dst}.${u16(b, l4 + 2)}: ${pre}${body}${bad}`;
  }
  if (nh === 58) return `IP6 ${src} > ${dst}: ${pre}${frag}${describeIcmpv6(b, l4, l4Len, end - l4)}${bad}`;
  if (nh === 59) return `IP6 ${src} > ${dst}: ${pre}${frag}no next header`;
  return `IP6 ${src} > ${dst}: ${pre}${frag}${protoWord(nh)}, length ${l4Len}`;
}

function describeIcmpv6(b: Uint8Array, c: number, len: number, avail: number): string {
  const type = b[c]!;
  const code = b[c + 1]!;
  const tail = `, length ${len}`;
  const addr = (at: number): string => (avail >= at + 16 ? ipv6ToString(b, c + at) : '?');
  switch (type) {
    case 1: {
      const why = ['no route to', 'administratively prohibited', 'beyond scope of', 'unreachable address', 'unreachable port', 'source address policy', 'reject route to'][code] ?? `code-#${code}`;
      const qdst = avail >= 8 + 40 && b[c + 8]! >>> 4 === 6 ? ` ${ipv6ToString(b, c + 8 + 24)}` : '';
      return `ICMP6, destination unreachable, ${why}${qdst}${tail}`;
    }
    case 2:
      return `ICMP6, packet too big, mtu ${u32(b, c + 4)}${tail}`;
    case 3:
      return `ICMP6, time exceeded ${code === 0 ? 'in-transit' : code === 1 ? 'reassembly' : `code-#${code}`}${tail}`;
    case 4:
      return `ICMP6, parameter problem, ${['erroneous - octet', 'next header - octet', 'option - octet'][code] ?? `code-#${code} - octet`} ${u32(b, c + 4)}${tail}`;
    case 128:
    case 129:
      return `ICMP6, echo ${type === 128 ? 'request' : 'reply'}, id ${u16(b, c + 4)}, seq ${u16(b, c + 6)}${tail}`;
    case 130:
      return `ICMP6, multicast listener query${tail}`;
    case 131:
      return `ICMP6, multicast listener report${avail >= 24 ? `, ${addr(8)}` : ''}${tail}`;
    case 132:
      return `ICMP6, multicast listener done${tail}`;
    case 133:
      return `ICMP6, router solicitation${tail}`;
    case 134:
      return `ICMP6, router advertisement${tail}`;
    case 135:
      return `ICMP6, neighbor solicitation, who has ${addr(8)}${tail}`;
    case 136:
      return `ICMP6, neighbor advertisement, tgt is ${addr(8)}${tail}`;
    case 137:
      return `ICMP6, redirect, ${addr(24)} to ${addr(8)}${tail}`;
    case 143:
      return `ICMP6, multicast listener report v2, ${u16(b, c + 6)} group record(s)${tail}`;
  }
  return `ICMP6, type-#${type}${tail}`;
}

// ---- ARP ----------------------------------------------------------------------------------------

function describeArp(b: Uint8Array, a: number, avail: number, drop: number): string {
  if (drop === Drop.ARP_UNSUPPORTED) return `ARP, htype ${u16(b, a)} ptype ${hex4(u16(b, a + 2))}, length ${avail}`;
  if (drop !== 0) return `ARP, ${malformed(drop)}`;
  const op = u16(b, a + 6);
  const spa = ipv4ToString(u32(b, a + 14));
  const tpa = ipv4ToString(u32(b, a + 24));
  const tail = `, length ${avail}`;
  switch (op) {
    case 1: {
      let thaNonZero = false;
      for (let i = 18; i < 24; i++) if (b[a + i] !== 0) thaNonZero = true;
      return `ARP, Request who-has ${tpa}${thaNonZero ? ` (${macToString(b, a + 18)})` : ''} tell ${spa}${tail}`;
    }
    case 2:
      return `ARP, Reply ${spa} is-at ${macToString(b, a + 8)}${tail}`;
    case 3:
      return `RARP, Reverse Request who-is ${macToString(b, a + 18)} tell ${macToString(b, a + 8)}${tail}`;
    case 4:
      return `RARP, Reverse Reply ${macToString(b, a + 18)} at ${tpa}${tail}`;
  }
  return `ARP, op ${op}${tail}`;
}

// ---- PPPoE --------------------------------------------------------------------------------------

const PPPOE_CODES: Record<number, string> = { 0x09: 'PADI', 0x07: 'PADO', 0x19: 'PADR', 0x65: 'PADS', 0xa7: 'PADT' };
const PPP_PROTOS: Record<number, string> = { 0xc021: 'LCP', 0x8021: 'IPCP', 0x8057: 'IP6CP', 0xc023: 'PAP', 0xc223: 'CHAP', 0x8281: 'MPLSCP' };
const LCP_CODES = ['', 'Conf-Request', 'Conf-Ack', 'Conf-Nak', 'Conf-Reject', 'Term-Request', 'Term-Ack', 'Code-Reject', 'Prot-Reject', 'Echo-Request', 'Echo-Reply', 'Discard-Request'];

function describePppoe(b: Uint8Array, p: number, avail: number, et: number, opts: DescribeOptions): string {
  if (avail < 6) return 'PPPoE [|pppoe]';
  const code = b[p + 1]!;
  const ses = u16(b, p + 2);
  const plen = u16(b, p + 4);
  if (et === 0x8863) return `PPPoE ${PPPOE_CODES[code] ?? `code 0x${code.toString(16)}`} [ses 0x${ses.toString(16)}], length ${plen}`;
  const head = `PPPoE [ses 0x${ses.toString(16)}] `;
  if (avail < 8) return head + `length ${plen}`;
  const proto = u16(b, p + 6);
  const inner = p + 8;
  const innerLen = Math.min(avail, 6 + plen) - 8;
  if (proto === 0x0021 || proto === 0x0057) {
    // Describe the carried IP packet as if it came over raw IP.
    return head + describeFrame(b, inner, innerLen, 101, { checksums: opts.checksums ?? false });
  }
  const name = PPP_PROTOS[proto];
  if (name === 'LCP' && innerLen >= 4) {
    const c = b[inner]!;
    return `${head}LCP, ${LCP_CODES[c] ?? 'code'} (0x${c.toString(16).padStart(2, '0')}), id ${b[inner + 1]}, length ${plen}`;
  }
  return `${head}${name ?? `PPP proto ${hex4(proto)}`}, length ${plen}`;
}
