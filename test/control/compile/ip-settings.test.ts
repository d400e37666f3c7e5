/**
 * control/compile/ip-settings.ts: /ip settings, interface arp-timeout and the listening ports, from config
 * text through the loader (so the menus' syntax is exercised too: `/ip service disable a,b`, `set www port=`).
 */
import { RouterInstance } from '../../../control/instance/router';
import { compileGeneration } from '../../../control/compile/generation';
import { compileIpSettings, DEFAULT_ARP_TIMEOUT } from '../../../control/compile/ip-settings';
import { exportConfig } from '../../../control/store/export';

function load(text: string) {
  const r = new RouterInstance();
  const res = r.load(text, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.store;
}
const ifs = (names: string[]) => ({ names, byName: new Map(names.map((n, i) => [n, i])) });
const bit = (bits: Uint8Array, p: number) => (bits[p >>> 3]! >> (p & 7)) & 1;
const tcpPorts = (bits: Uint8Array) => [...Array(65536).keys()].filter((p) => bit(bits, p));

describe('defaults', () => {
  const t = compileIpSettings(load(''), ifs(['ether1', 'ether2']));
  test('/ip settings defaults', () => {
    expect(Array.from(t.arpTimeout)).toEqual([DEFAULT_ARP_TIMEOUT, DEFAULT_ARP_TIMEOUT]);
    expect([t.arpMaxEntries, t.icmpRateLimitMs, t.icmpRateMask, t.icmpErrorsUseInbound, t.reassemblyTimeout, t.reassemblyMemLimit]).toEqual([
      16384, 10, 0x1818, false, 30, 4 * 1024 * 1024,
    ]);
  });
  test('listening by default: every /ip service but www-ssl (no certificate), bandwidth-server; MNDP on UDP', () => {
    expect(tcpPorts(t.listenTcp)).toEqual([21, 22, 23, 80, 2000, 8291, 8728, 8729]);
    expect(tcpPorts(t.listenUdp)).toEqual([5678]);
  });
});

test('settings and services from a config', () => {
  const store = load(`/interface ethernet
set [ find default-name=ether2 ] arp-timeout=2m
/ip settings
set arp-timeout=10s icmp-rate-limit=0 icmp-rate-mask=0x1819 icmp-errors-use-inbound-interface-address=yes max-neighbor-entries=512 ipv4-fragment-time=7
/ip service
disable telnet,ftp
set www port=8080
set www-ssl certificate=router-cert disabled=no
set api address=10.0.0.0/8
/ip dns
set allow-remote-requests=yes servers=1.1.1.1
/ip neighbor discovery-settings
set discover-interface-list=none
`);
  const gen = compileGeneration(store, { fib: false });
  const e1 = gen.routes.interfaces.byName.get('ether1')!;
  const e2 = gen.routes.interfaces.byName.get('ether2')!;
  expect([gen.arpTimeout[e1], gen.arpTimeout[e2]]).toEqual([10, 120]);
  expect([gen.arpMaxEntries, gen.icmpRateLimitMs, gen.icmpRateMask, gen.icmpErrorsUseInbound, gen.reassemblyTimeout]).toEqual([512, 0, 0x1819, true, 7]);
  expect(tcpPorts(gen.listenTcp)).toEqual([22, 53, 443, 2000, 8080, 8291, 8728, 8729]);
  expect(tcpPorts(gen.listenUdp)).toEqual([53]);
  // and the menus export what was changed, as RouterOS would
  const text = exportConfig(store, { date: new Date(0), version: 'test' });
  expect(text).toContain('/ip service\nset telnet disabled=yes\nset ftp disabled=yes\nset www port=8080\nset www-ssl certificate=router-cert disabled=no\nset api address=10.0.0.0/8');
  expect(text).toContain('/ip dns\nset allow-remote-requests=yes servers=1.1.1.1');
  expect(text).toContain('/ip neighbor discovery-settings\nset discover-interface-list=none');
});

test('MNDP: off without mndp in protocol or in tx-only mode', () => {
  expect(bit(compileIpSettings(load('/ip neighbor discovery-settings\nset protocol=cdp,lldp\n'), ifs([])).listenUdp, 5678)).toBe(0);
  expect(bit(compileIpSettings(load('/ip neighbor discovery-settings\nset mode=tx-only\n'), ifs([])).listenUdp, 5678)).toBe(0);
  expect(bit(compileIpSettings(load('/ip neighbor discovery-settings\nset discover-interface-list=LAN\n/interface list\nadd name=LAN\n'), ifs([])).listenUdp, 5678)).toBe(1);
});

test('a bad port or time in the config is refused by the menus, so the compiler never sees it', () => {
  const r = new RouterInstance();
  expect(r.load('/ip service\nset www port=70000\n', 'x.rsc').ok).toBe(false);
  expect(r.load('/interface ethernet\nset [ find default-name=ether1 ] arp-timeout=soon\n', 'x.rsc').ok).toBe(false);
});
