/**
 * The console and MetaRouter guests: `/metarouter console NAME` enters the guest's own CLI, whose lines act on
 * the guest only (its export holds only its configuration); Ctrl-A then Q returns to the host.
 */
import { PassThrough } from 'node:stream';
import { RouterInstance } from '../../../control/instance/router';
import { runConsole, Console } from '../../../control/console/console';

const DATE = new Date(Date.UTC(2026, 0, 1));

function host(): RouterInstance {
  const r = new RouterInstance();
  expect(r.load('/metarouter add name=mr1\n/metarouter interface add virtual-machine=mr1\n/ip address add address=10.9.9.1/24 interface=ether1', 'h.rsc').ok).toBe(true);
  const g = r.guestConsole('mr1')!;
  expect(g.load('/system identity set name=guest-one\n/ip address add address=192.168.10.1/24 interface=ether1', 'g.rsc').ok).toBe(true);
  return r;
}

test('/metarouter console NAME enters the guest; its lines change the guest only; Ctrl-A Q returns', async () => {
  const r = host();
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const done = runConsole(r, input, output, { terminal: false, now: () => DATE });
  input.end(
    [
      '/metarouter console mr1',
      '/ip address add address=172.16.0.1/24 interface=ether1',
      '/ip address print count-only',
      '/export',
      '\x01q',
      '/ip address print count-only',
      '/metarouter console nope',
      '',
    ].join('\n'),
  );
  await done;
  const guestExport = text.slice(text.indexOf('# '), text.lastIndexOf('set name=guest-one') + 'set name=guest-one'.length);
  expect(text.startsWith('[Ctrl-A Q returns to the host]\n2\n')).toBe(true);
  expect(guestExport).toContain('add address=172.16.0.1/24 interface=ether1');
  expect(guestExport).not.toContain('10.9.9.1');
  expect(guestExport).not.toContain('/metarouter');
  // Back on the host: its one address; an unknown guest is refused.
  expect(text.endsWith('\n1\nno such item (nope)\n')).toBe(true);
  expect(r.store.table('/ip address')!.items).toHaveLength(1);
  expect(r.guestConsole('mr1')!.store.table('/ip address')!.items).toHaveLength(2);
});

test("a guest's console prompt shows the guest's identity", () => {
  const r = host();
  const con = new Console(r);
  const out = con.execute('/metarouter console mr1');
  expect(out.enter).toBe(r.guestConsole('mr1'));
  expect(new Console(out.enter!).prompt()).toBe('[admin@guest-one] > ');
  expect(con.prompt()).toBe('[admin@MikroTik] > ');
});
