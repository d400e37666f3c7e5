/**
 * A running router on in-memory ports (no devices, the flow in the port thread): what the LiveRouter tests
 * start from. `feed(i, ...frames)` hands frames to port i (ether{i+1}) and lets the driver read them;
 * `clock.now` is the driver's wall clock (seconds), which a test moves.
 */
import { RouterInstance } from '../../../control/instance/router';
import { LiveRouter } from '../../../control/instance/live-router';
import { MemPort } from '../../dataplane/ports/mem-port';

export function memRouter(config: string, opts: { ports?: number; log?: (topics: string, message: string) => void } = {}) {
  const router = new RouterInstance();
  const res = router.load(config, 'live.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  const ports = Array.from({ length: opts.ports ?? 2 }, (_, i) => new MemPort(`tap${i}`));
  const clock = { now: 1_700_000_000 };
  const live = new LiveRouter(
    router,
    ports.map((io, i) => ({ iface: `ether${i + 1}`, io })),
    { log: opts.log ?? (() => {}), driver: { clock: () => [clock.now, 0], tickMs: 1000 } },
  );
  live.driver.start();
  const feed = (i: number, ...frames: Uint8Array[]): void => {
    ports[i]!.inbox.push(...frames);
    ports[i]!.ready!();
  };
  return { router, live, ports, feed, clock };
}

/** ether1 10.1.0.1/24 (LAN) and ether2 `wan` with their MACs 02:00:00:00:0N:01; ends inside `/ip address`. */
export function twoPortRouter(wan = '10.2.0.1/24'): string {
  return `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.1.0.1/24 interface=ether1
add address=${wan} interface=ether2
`;
}
