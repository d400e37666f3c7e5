/**
 * The text of a firewall log line (`log=yes`, action=log), as RouterOS writes it to `/log` (topics
 * firewall,info):
 *
 *   [prefix ]forward: in:ether2 out:ether1, connection-state:new src-mac 02:00:00:00:88:0a, proto TCP (SYN),
 *     192.168.88.10:51000->198.51.100.80:80, len 60
 *
 * - `in:`/`out:` the interface names, `(unknown 0)` when there is none (input has no out-interface, output
 *   no in-interface);
 * - `connection-state:` the packet's state (absent when connection tracking is off), with `,snat` / `,dnat`
 *   appended for a NATed connection; `src-mac` only for packets that arrived with an Ethernet header;
 * - `proto TCP (SYN,ACK)` with the flags set, `proto UDP`, `proto ICMP (type 8, code 0)`, other protocols by
 *   number; addresses with ports for TCP/UDP (and other port protocols), without for the rest;
 * - a NATed connection's packets in the original direction carry `NAT (a:p->b:q)->c:r` (source translated),
 *   `NAT a:p->(c:r->d:s)` (destination translated), or both — the addresses before and after translation;
 * - `len` the IP total length.
 * UNCONFIRMED (docs/unconfirmed.md): the order of TCP flags, the `,snat`/`,dnat` suffix and lower-case MACs are
 * taken from RouterOS v7 log lines seen in the wild, not from the manual (which only lists the fields).
 * Built off the packet path: only when a logging rule matched.
 */
import { CtStatus, type ConnTable } from '../conntrack/table';
import { CS } from './rules';
import { ipv4ToString } from '../wire/ipv4';

const FLAG_NAMES: [number, string][] = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
  [0x20, 'URG'],
  [0x40, 'ECE'],
  [0x80, 'CWR'],
];

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

function stateName(info: number): string {
  switch (info) {
    case CS.NEW:
      return 'new';
    case CS.ESTABLISHED:
      return 'established';
    case CS.RELATED:
      return 'related';
    case CS.INVALID:
      return 'invalid';
    case CS.UNTRACKED:
      return 'untracked';
    default:
      return '';
  }
}

export interface LogPacket {
  /** Packet bytes, IPv4 header at `ip` (absolute), L4 header at `l4` (-1: none, e.g. a later fragment). */
  b: Uint8Array;
  ip: number;
  l4: number;
  /** Offset of the Ethernet header the packet arrived with (-1: none, a router-made packet). */
  eth: number;
  inName: string;
  outName: string;
  chain: string;
  prefix: string;
  /** The packet's connection state (CS bit; 0 when connection tracking is off) and connection ref (-1 none). */
  info: number;
  ct: ConnTable | null;
  ref: number;
}

const ep = (a: number, port: number): string => (port >= 0 ? `${ipv4ToString(a >>> 0)}:${port}` : ipv4ToString(a >>> 0));

/** The log line's text (see the module comment). */
export function firewallLogText(p: LogPacket): string {
  const { b, ip, l4 } = p;
  const proto = b[ip + 9]!;
  const ports = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  let text = `${p.prefix ? `${p.prefix} ` : ''}${p.chain}: in:${p.inName || '(unknown 0)'} out:${p.outName || '(unknown 0)'}, `;
  const status = p.ct !== null && p.ref >= 0 ? p.ct.status[p.ref >> 1]! : 0;
  const parts: string[] = [];
  if (p.info !== 0) {
    let s = `connection-state:${stateName(p.info)}`;
    if (status & CtStatus.SRCNAT) s += ',snat';
    if (status & CtStatus.DSTNAT) s += ',dnat';
    parts.push(s);
  }
  if (p.eth >= 0) {
    const e = p.eth + 6;
    parts.push(`src-mac ${[0, 1, 2, 3, 4, 5].map((k) => hex2(b[e + k]!)).join(':')}`);
  }
  text += parts.length > 0 ? `${parts.join(' ')}, ` : '';
  if (proto === 6) {
    const fl = l4 >= 0 ? b[l4 + 13]! : 0;
    const names = FLAG_NAMES.filter(([bit]) => (fl & bit) !== 0).map(([, n]) => n);
    text += `proto TCP${names.length > 0 ? ` (${names.join(',')})` : ''}, `;
  } else if (proto === 17) text += 'proto UDP, ';
  else if (proto === 1) text += l4 >= 0 ? `proto ICMP (type ${b[l4]}, code ${b[l4 + 1]}), ` : 'proto ICMP, ';
  else text += `proto ${proto}, `;
  const sp = ports && l4 >= 0 ? (b[l4]! << 8) | b[l4 + 1]! : -1;
  const dp = ports && l4 >= 0 ? (b[l4 + 2]! << 8) | b[l4 + 3]! : -1;
  const src = rd32(b, ip + 12);
  const dst = rd32(b, ip + 16);
  text += `${ep(src, sp)}->${ep(dst, dp)}, `;
  if (status & (CtStatus.SRCNAT | CtStatus.DSTNAT) && (p.ref & 1) === 0) {
    // Original direction: the connection's addresses before (original tuple) and after (reply tuple, inverted).
    const t = p.ct!.tup;
    const o = (p.ref >> 1) * 8;
    const oSrc = t[o]!;
    const oDst = t[o + 1]!;
    const oPorts = t[o + 2]!;
    const rSrc = t[o + 4]!;
    const rDst = t[o + 5]!;
    const rPorts = t[o + 6]!;
    const pp = (v: number, hi: boolean): number => (ports ? (hi ? v >>> 16 : v & 0xffff) : -1);
    const before = (a: number, port: number, after: number, port2: number): string => `(${ep(a, port)}->${ep(after, port2)})`;
    const s = status & CtStatus.SRCNAT ? before(oSrc, pp(oPorts, true), rDst, pp(rPorts, false)) : ep(oSrc, pp(oPorts, true));
    const d = status & CtStatus.DSTNAT ? before(oDst, pp(oPorts, false), rSrc, pp(rPorts, true)) : ep(oDst, pp(oPorts, false));
    text += `NAT ${s}->${d}, `;
  }
  return `${text}len ${(b[ip + 2]! << 8) | b[ip + 3]!}`;
}
