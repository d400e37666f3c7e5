/** Test helper: compile a config's firewall (interfaces text + rules text) and name interfaces by index. */
import { RouterInstance } from '../../../control/instance/router';
import { indexInterfaces } from '../../../control/compile/interfaces';
import { compileFirewall, type CompiledFirewall } from '../../../control/compile/firewall';

export function compileFirewallText(ifaces: string, rules: string): { fw: CompiledFirewall; ifIndex: (n: string) => number } {
  const r = new RouterInstance();
  const res = r.load(ifaces + rules, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const ifs = indexInterfaces(r.store);
  return { fw: compileFirewall(r.store, ifs), ifIndex: (n) => ifs.byName.get(n)! };
}
