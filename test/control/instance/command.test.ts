import { RouterInstance, type StoreChange } from '../../../control/instance/router';
import type { ResolvedCommand } from '../../../control/routeros/script';
import { exportConfig } from '../../../control/store/export';

const POS = { line: 1, col: 1, offset: 0 };
function cmd(path: string[], verb: string, props: Record<string, string> = {}, items?: string): ResolvedCommand {
  return {
    file: '<api>',
    pos: POS,
    path,
    verb,
    args: [],
    props: Object.entries(props).map(([name, value]) => ({ name, value, pos: POS, valuePos: POS })),
    selector: items === undefined ? undefined : { kind: 'items', value: items, pos: POS },
  };
}

describe('RouterInstance.runCommand and onChange', () => {
  test('add returns the id, shows in export, and tells listeners which menu changed', () => {
    const r = new RouterInstance();
    const seen: StoreChange[] = [];
    r.onChange((c) => seen.push(c));
    const out = r.runCommand(cmd(['ip', 'firewall', 'address-list'], 'add', { list: 'a', address: '1.2.3.4' }));
    expect(out).toEqual({ ok: true, value: { type: 'id', text: '*1' } });
    expect(seen).toMatchObject([{ source: 'api', menus: ['/ip firewall address-list'] }]);
    // The change names the items the add made (a live dataplane takes address-list entries in place).
    expect(seen[0]!.added!.map((a) => [a.path, a.items.map((i) => i.values.get('address'))])).toEqual([['/ip firewall address-list', ['1.2.3.4']]]);
    expect(exportConfig(r.store, {})).toContain('/ip firewall address-list\nadd address=1.2.3.4 list=a');
  });

  test('a failed set applies nothing and tells nobody; a good one applies and is heard', () => {
    const r = new RouterInstance();
    r.load('/ip firewall filter add chain=forward action=accept comment=x', 'a.rsc');
    const seen: StoreChange[] = [];
    const off = r.onChange((c) => seen.push(c));
    const before = exportConfig(r.store, { date: new Date(0) });
    const bad = r.runCommand(cmd(['ip', 'firewall', 'filter'], 'set', { comment: 'changed', 'in-interface': 'nosuch' }, '*1'));
    expect(bad.ok).toBe(false);
    expect(exportConfig(r.store, { date: new Date(0) })).toBe(before);
    expect(seen).toEqual([]);
    const good = r.runCommand(cmd(['ip', 'firewall', 'filter'], 'set', { comment: 'changed' }, '*1'));
    expect(good.ok).toBe(true);
    expect(seen).toEqual([{ source: 'api' }]); // a set may rename: any menu may have changed
    off();
    r.runCommand(cmd(['ip', 'firewall', 'filter'], 'disable', {}, '*1'));
    expect(seen).toHaveLength(1);
  });

  test('loads and console lines are heard too; print returns the selected rows', () => {
    const r = new RouterInstance();
    const seen: string[] = [];
    r.onChange((c) => seen.push(c.source));
    r.load('/ip firewall address-list add list=a address=1.1.1.1', 'a.rsc');
    r.runConsoleLine('/ip firewall address-list add list=b address=2.2.2.2', []);
    expect(seen).toEqual(['load', 'console']);
    const p = r.runCommand(cmd(['ip', 'firewall', 'address-list'], 'print'));
    expect(p.ok && p.query?.rows.map((row) => row.item.values.get('list'))).toEqual(['a', 'b']);
  });

  test('an add after a console change sees the console item (the live executor is rebuilt)', () => {
    const r = new RouterInstance();
    r.runCommand(cmd(['ip', 'firewall', 'address-list'], 'add', { list: 'a', address: '1.1.1.1' }));
    r.runConsoleLine('/ip firewall address-list add list=a address=2.2.2.2', []);
    const dup = r.runCommand(cmd(['ip', 'firewall', 'address-list'], 'add', { list: 'a', address: '2.2.2.2' }));
    expect(dup.ok).toBe(false);
    expect(r.store.table('/ip firewall address-list')!.items).toHaveLength(2);
  });
});
