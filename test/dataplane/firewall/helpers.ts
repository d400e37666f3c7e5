/**
 * Firewall test helpers: compile a config's firewall (interfaces text + rules text), and build the packet
 * field vector (dataplane/firewall/rules.ts PF) from a few named values with neutral defaults.
 */
import { RouterInstance } from '../../../control/instance/router';
import { indexInterfaces } from '../../../control/compile/interfaces';
import { compileFirewall, type CompiledFirewall } from '../../../control/compile/firewall';
import { CS, PF, biasIp } from '../../../dataplane/firewall/rules';

export function compileFirewallText(ifaces: string, rules: string): { fw: CompiledFirewall; ifIndex: (n: string) => number } {
  const r = new RouterInstance();
  const res = r.load(ifaces + rules, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const ifs = indexInterfaces(r.store);
  return { fw: compileFirewall(r.store, ifs), ifIndex: (n) => ifs.byName.get(n)! };
}

/** Dotted quad → unsigned number. */
export const ip = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);

/** A packet as tests describe it; what is left out takes a neutral value. */
export interface Pkt {
  src?: string;
  dst?: string;
  /** IP protocol (default TCP); ports exist only for TCP and UDP. */
  proto?: number;
  sport?: number;
  dport?: number;
  flags?: number;
  icmp?: [number, number];
  inIf?: number;
  outIf?: number;
  state?: number;
  size?: number;
  ttl?: number;
  tos?: number;
  opts?: number;
  prio?: number;
  ingress?: number;
  inBport?: number;
  outBport?: number;
  ref?: number;
  payload?: [number, number];
}

/** The field vector of `p` (defaults: 10.0.0.1:40000 → 8.8.8.8:443 TCP with `flags` 0x10, state new). */
export function fieldVector(p: Pkt): Int32Array {
  const f = new Int32Array(PF.COUNT);
  f[PF.SRC] = biasIp(ip(p.src ?? '10.0.0.1'));
  f[PF.DST] = biasIp(ip(p.dst ?? '8.8.8.8'));
  f[PF.PROTO] = p.proto ?? 6;
  const ports = p.proto === undefined || p.proto === 6 || p.proto === 17;
  f[PF.SPORT] = ports ? (p.sport ?? 40000) : -1;
  f[PF.DPORT] = ports ? (p.dport ?? 443) : -1;
  f[PF.TCP_FLAGS] = p.flags ?? 0x10;
  f[PF.ICMP_TYPE] = p.icmp?.[0] ?? -1;
  f[PF.ICMP_CODE] = p.icmp?.[1] ?? -1;
  f[PF.SIZE] = p.size ?? 60;
  f[PF.BYTES] = p.size ?? 60;
  f[PF.TTL] = p.ttl ?? 64;
  f[PF.IN_IF] = p.inIf ?? -1;
  f[PF.OUT_IF] = p.outIf ?? -1;
  f[PF.CSTATE] = p.state ?? CS.NEW;
  f[PF.MAC_HI] = -1;
  f[PF.MAC_LO] = -1;
  f[PF.MSS] = -2;
  f[PF.TOS] = p.tos ?? 0;
  f[PF.DSCP] = (p.tos ?? 0) >>> 2;
  f[PF.IPV4_OPTS] = p.opts ?? 0;
  f[PF.PRIORITY] = p.prio ?? 0;
  f[PF.INGRESS_PRIO] = p.ingress ?? 0;
  f[PF.IN_BPORT] = p.inBport ?? -1;
  f[PF.OUT_BPORT] = p.outBport ?? -1;
  f[PF.CT_REF] = p.ref ?? -1;
  f[PF.PAYLOAD] = p.payload?.[0] ?? -1;
  f[PF.PAYLOAD_LEN] = p.payload?.[1] ?? 0;
  f[PF.SNI] = -1;
  return f;
}
