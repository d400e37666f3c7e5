/** `flowplane run` option parsing: --tap-offload is off unless given. */
import { parseRunArgs } from '../../bin/commands/run';

test('--tap-offload turns TAP offloads on; without it they stay off', () => {
  const on = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA', '--tap-offload']);
  const off = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA']);
  expect(typeof on === 'object' && on.tapOffload).toBe(true);
  expect(typeof off === 'object' && off.tapOffload).toBe(false);
  expect(typeof on === 'object' && on.taps).toEqual([['ether1', 'tapA']]);
});

test('--workers N runs the flow in N worker threads; absent, in the port thread; bad counts and --guest are refused', () => {
  const two = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA', '--workers', '2']);
  expect(typeof two === 'object' && two.workers).toBe(2);
  const eq = parseRunArgs(['--config', 'r.rsc', '--workers=4']);
  expect(typeof eq === 'object' && eq.workers).toBe(4);
  const none = parseRunArgs(['--config', 'r.rsc']);
  expect(typeof none === 'object' && none.workers).toBeUndefined();
  for (const bad of ['0', '65', 'two', '1.5', '']) expect(parseRunArgs(['--config', 'r.rsc', '--workers', bad])).toMatch(/--workers wants 1\.\.64/);
  expect(parseRunArgs(['--config', 'r.rsc', '--workers', '2', '--guest', 'g=g.rsc'])).toMatch(/--workers and --guest do not go together/);
});

test('--tap-queues N opens each TAP as N queues (1..16); absent, one; bad counts are refused', () => {
  const two = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA', '--tap-queues', '2']);
  expect(typeof two === 'object' && two.tapQueues).toBe(2);
  const none = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA']);
  expect(typeof none === 'object' && none.tapQueues).toBeUndefined();
  for (const bad of ['0', '17', 'two', '1.5', '']) expect(parseRunArgs(['--config', 'r.rsc', '--tap-queues', bad])).toMatch(/--tap-queues wants 1\.\.16/);
});
