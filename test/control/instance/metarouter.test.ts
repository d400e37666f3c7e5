/**
 * MetaRouter on the control side: guests as router instances of their own, host vifs made by links,
 * guest ports hot-added per link, state and the guest limit.
 */
import { RouterInstance } from '../../../control/instance/router';
import { exportConfig } from '../../../control/store/export';

function host(text: string, maxGuests?: number): RouterInstance {
  const r = new RouterInstance(maxGuests !== undefined ? { maxGuests } : {});
  const res = r.load(text, 'host.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return r;
}

const names = (r: RouterInstance, path: string, prop = 'name'): string[] => {
  const t = r.store.table(path)!;
  return t.items.map((i) => t.value(i, prop) ?? '');
};

describe('/metarouter', () => {
  test('a guest is a router instance of its own, with one port per link', () => {
    const r = host(`/interface bridge add name=bridge1
/metarouter add name=mr1 memory-size=32 disabled=no
/metarouter interface add virtual-machine=mr1 type=dynamic dynamic-bridge=bridge1
/metarouter interface add virtual-machine=mr1 type=dynamic
/ip address add address=10.0.0.1/24 interface=bridge1`);
    const g = r.metarouter.get('mr1')!;
    expect(g.state).toBe('running');
    expect(g.router).not.toBe(r);
    expect(names(g.router as RouterInstance, '/interface ethernet')).toEqual(['ether1', 'ether2']);
    // The guest sees nothing of the host's configuration.
    expect((g.router as RouterInstance).store.table('/ip address')!.items).toHaveLength(0);
    expect(g.budget.connections).toBe(32 * 128);
    // The host has vif1 and vif2 as (dynamic) ports; vif1 is a dynamic port of bridge1.
    expect(names(r, '/interface ethernet').filter((n) => n.startsWith('vif'))).toEqual(['vif1', 'vif2']);
    const bp = r.store.table('/interface bridge port')!;
    expect(bp.items.map((i) => [bp.value(i, 'bridge'), bp.value(i, 'interface'), i.dynamic])).toEqual([['bridge1', 'vif1', true]]);
    expect(names(r, '/metarouter interface', 'interface')).toEqual(['vif1', 'vif2']);
    // The host export keeps the /metarouter items, not the dynamic vifs.
    const ex = exportConfig(r.store, {});
    expect(ex).toContain('/metarouter\nadd memory-size=32 name=mr1');
    expect(ex).toMatch(/\/metarouter interface\nadd dynamic-bridge=bridge1 virtual-machine=mr1/);
    expect(ex).not.toContain('vif1');
  });

  test('vifs take the lowest free number and keep it while their link lives', () => {
    const r = host(`/metarouter add name=a
/metarouter interface add virtual-machine=a
/metarouter interface add virtual-machine=a
/metarouter interface add virtual-machine=a`);
    expect(names(r, '/metarouter interface', 'interface')).toEqual(['vif1', 'vif2', 'vif3']);
    expect(r.runConsoleLine('remove 0', ['metarouter', 'interface']).ok).toBe(true);
    expect(names(r, '/metarouter interface', 'interface')).toEqual(['vif2', 'vif3']);
    expect(names(r, '/interface ethernet').filter((n) => n.startsWith('vif'))).toEqual(['vif2', 'vif3']);
    expect(r.runConsoleLine('add virtual-machine=a', ['metarouter', 'interface']).ok).toBe(true);
    expect(names(r, '/metarouter interface', 'interface')).toEqual(['vif2', 'vif3', 'vif1']);
    // A vif can be used in host config like a port; removing it by hand is refused (it is dynamic).
    expect(r.runConsoleLine('/interface bridge add name=b; /interface bridge port add bridge=b interface=vif3', []).ok).toBe(true);
    expect(r.runConsoleLine('/interface ethernet remove vif1', []).ok).toBe(false);
  });

  test('a static link hands a host port to the guest; removing the guest removes its links and vifs', () => {
    const r = host(`/metarouter add name=a
/metarouter interface add virtual-machine=a type=static static-interface=ether5
/metarouter interface add virtual-machine=a`);
    expect(r.metarouter.links()).toEqual([
      { guest: 'a', guestPort: 'ether1', kind: 'static', hostInterface: 'ether5' },
      { guest: 'a', guestPort: 'ether2', kind: 'dynamic', hostInterface: 'vif1' },
    ]);
    expect(r.runConsoleLine('/metarouter interface remove [find]; /metarouter remove a', []).ok).toBe(true);
    expect(r.metarouter.guests.size).toBe(0);
    expect(names(r, '/interface ethernet').filter((n) => n.startsWith('vif'))).toEqual([]);
  });

  test('start, shut-down, reboot, disable, enable; state and used-disk in print columns', () => {
    const r = host(`/metarouter add name=a memory-size=24`);
    const g = r.metarouter.get('a')!;
    const item = () => r.store.table('/metarouter')!.items[0]!;
    expect(item().values.get('state')).toBe('running');
    expect(item().values.get('used-disk')).toMatch(/^\d+KiB$/);
    expect(r.runConsoleLine('shut-down a', ['metarouter']).ok).toBe(true);
    expect(g.state).toBe('stopped');
    expect(item().values.get('state')).toBe('stopped');
    const e = g.epoch;
    expect(r.runConsoleLine('start 0', ['metarouter']).ok).toBe(true);
    expect(g.state).toBe('running');
    expect(g.epoch).toBeGreaterThan(e);
    const e2 = g.epoch;
    r.runConsoleLine('reboot a', ['metarouter']);
    expect(g.epoch).toBeGreaterThan(e2);
    r.runConsoleLine('disable a', ['metarouter']);
    expect(g.state).toBe('disabled');
    r.runConsoleLine('start a', ['metarouter']);
    expect(g.state).toBe('disabled');
    r.runConsoleLine('enable a', ['metarouter']);
    expect(g.state).toBe('running');
    expect(r.log.entries().map((l) => l.message)).toEqual(
      expect.arrayContaining(['metarouter a shut down', 'metarouter a rebooting', 'metarouter a disabled']),
    );
  });

  test('at most maxGuests guests; a guest runs none', () => {
    const lines = Array.from({ length: 9 }, (_, i) => `/metarouter add name=g${i}`).join('\n');
    const r = new RouterInstance();
    const res = r.load(lines, 'h.rsc');
    expect(res.ok).toBe(false);
    expect(res.errors[0]!.message).toContain('at most 8 guests');
    expect(r.metarouter.guests.size).toBe(0);
    expect(new RouterInstance({ maxGuests: 9 }).load(lines, 'h.rsc').ok).toBe(true);
    const h = host('/metarouter add name=a');
    const guest = h.metarouter.get('a')!.router as RouterInstance;
    expect(guest.runConsoleLine('/metarouter add name=nested', []).ok).toBe(false);
  });

  test('guests of two hosts do not see each other', () => {
    const a = host('/metarouter add name=mr1');
    const b = host('/metarouter add name=mr1');
    const ga = a.metarouter.get('mr1')!.router as RouterInstance;
    expect(ga.runConsoleLine('/ip address add address=1.1.1.1/24 interface=ether1', []).ok).toBe(false); // no port yet
    expect(b.metarouter.get('mr1')!.router).not.toBe(ga);
  });
});
