/** `flowplane run` option parsing: --tap-offload is off unless given. */
import { parseRunArgs } from '../../bin/commands/run';

test('--tap-offload turns TAP offloads on; without it they stay off', () => {
  const on = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA', '--tap-offload']);
  const off = parseRunArgs(['--config', 'r.rsc', '--tap', 'ether1=tapA']);
  expect(typeof on === 'object' && on.tapOffload).toBe(true);
  expect(typeof off === 'object' && off.tapOffload).toBe(false);
  expect(typeof on === 'object' && on.taps).toEqual([['ether1', 'tapA']]);
});
