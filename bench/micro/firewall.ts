/**
 * Firewall rule-walk micro-benchmarks (the walk alone: field vector ready, no packet parsing):
 * - the RouterOS default filter's forward chain for an established connection (the common case);
 * - 1,000 rules that do not match the packet ahead of the accept rule ([stateful] target: >= 1 Mpps for the
 *   whole flow; the walk must take well under 1 µs). The rules vary the way real rule sets do: TCP and UDP
 *   destination ports, /32 source blocks, another in-interface — the bit-vector classifier skips them.
 */
import { sink, type AddBench } from '../harness';
import { nonMatchingRules } from '../gen/firewall-rules';
import { RouterInstance } from '../../control/instance/router';
import { indexInterfaces } from '../../control/compile/interfaces';
import { compileFirewall } from '../../control/compile/firewall';
import { CS, PF, biasIp, A } from '../../dataplane/firewall/rules';
import { FwState } from '../../dataplane/firewall/match';
import { FwWalker, type FwEffects } from '../../dataplane/firewall/walk';

const VEC = 256;

const IFACES = `/interface bridge
add name=bridge
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=bridge list=LAN
`;

const DEFCONF_FORWARD = `/ip firewall filter
add action=fasttrack-connection chain=forward connection-state=established,related
add action=accept chain=forward connection-state=established,related,untracked
add action=drop chain=forward connection-state=invalid
add action=drop chain=forward connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
`;

const thousandRules = (): string => nonMatchingRules(1000, { srcPrefix: '203.0', udpIf: 'ether1', otherIf: 'ether3', otherProto: 'tcp' });

function walkerFor(config: string): { w: FwWalker; bridge: number } {
  const r = new RouterInstance();
  const res = r.load(IFACES + config, 'bench.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const ifs = indexInterfaces(r.store);
  const fw = compileFirewall(r.store, ifs);
  return { w: new FwWalker(fw.filter, new FwState(fw.filter), fw.ifLists, fw.ifCount), bridge: ifs.byName.get('bridge')! };
}

const noEffects: FwEffects = { effect: (_r, a) => void (sink.n += a === A.LOG ? 1 : 0) };

function packet(ifIndex: number, state: number, proto: number, dport: number): Int32Array {
  const f = new Int32Array(PF.COUNT);
  f[PF.SRC] = biasIp(0x0a000064);
  f[PF.DST] = biasIp(0x08080808);
  f[PF.PROTO] = proto;
  f[PF.SPORT] = 40000;
  f[PF.DPORT] = dport;
  f[PF.IN_IF] = ifIndex;
  f[PF.OUT_IF] = 0;
  f[PF.CSTATE] = state;
  f[PF.BYTES] = 64;
  f[PF.SIZE] = 50;
  f[PF.TTL] = 64;
  f[PF.MAC_HI] = -1;
  f[PF.MAC_LO] = -1;
  return f;
}

export function register(add: AddBench): void {
  const { w: def, bridge } = walkerFor(DEFCONF_FORWARD);
  const est = packet(bridge, CS.ESTABLISHED, 6, 443);
  add(`defconf forward chain, established x${VEC}`, () => {
    for (let k = 0; k < VEC; k++) def.walk(1, est, null, 0, noEffects, null);
  }, VEC, 'walks');

  const big = walkerFor(thousandRules()).w;
  const udp = packet(bridge, CS.NEW, 17, 53);
  add(`1000 non-matching rules then accept x${VEC}`, () => {
    for (let k = 0; k < VEC; k++) big.walk(1, udp, null, 0, noEffects, null);
    sink.n += big.rule;
  }, VEC, 'walks');
}
