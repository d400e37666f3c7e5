/**
 * A configuration text compiled into a generation, as a worker thread does it: every worker of a router run
 * with threads (`flowplane bench`, `flowplane run --workers`) receives the config *text* and compiles it
 * itself. Compilation is deterministic, so every worker holds the same generation and nothing but strings
 * and SharedArrayBuffers crosses threads (docs/workers.md).
 */
import { RouterInstance, type RouterOptions } from './router';
import { compileGeneration, type Generation } from '../compile/generation';
import { RouterAddrs } from '../../dataplane/worker/shard';

/** Compile a config (it must load cleanly: a text that does not load throws with its errors). */
export function compileConfig(text: string, file = 'bench.rsc', opts: Pick<RouterOptions, 'ethernetPorts' | 'name'> = {}): Generation {
  const r = new RouterInstance(opts);
  const res = r.load(text, file);
  if (!res.ok) throw new Error(res.errors.map((e) => `${e.file ?? file}:${e.line ?? 0}: ${e.message}`).join('\n'));
  return compileGeneration(r.store);
}

/** The router's own addresses (where replies to masqueraded connections arrive: steered by port). */
export function routerAddrs(gen: Generation): RouterAddrs {
  return RouterAddrs.of(gen.localAddr);
}
