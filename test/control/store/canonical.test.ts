import { canonical, describeType } from '../../../control/store/canonical';
import type { ValueType } from '../../../control/menus/schema';

const ok = (type: ValueType, text: string, negatable = false) => {
  const r = canonical(type, text, negatable);
  if (!r.ok) throw new Error(`${text}: ${r.expected}`);
  return r.value;
};
const bad = (type: ValueType, text: string, negatable = false) => {
  const r = canonical(type, text, negatable);
  if (r.ok) throw new Error(`${text} was accepted as ${r.value}`);
  return r.expected;
};

test('times print compact, like RouterOS', () => {
  const t: ValueType = { t: 'time' };
  expect(ok(t, '00:01:00')).toBe('1m');
  expect(ok(t, '1h30m')).toBe('1h30m');
  expect(ok(t, '90')).toBe('1m30s');
  expect(ok(t, '1d00:00:30')).toBe('1d30s');
  expect(ok(t, '500ms')).toBe('500ms');
  expect(ok(t, '0')).toBe('0s');
  expect(ok(t, '2w1d')).toBe('2w1d');
  expect(bad(t, '1x')).toBe("expected a time like 1h30m or 00:01:00, found '1x'");
  expect(bad(t, 'none')).toContain('expected a time');
  expect(ok({ t: 'time', orNone: true }, 'none')).toBe('none');
});

test('booleans: yes/no, and true/false as RouterOS also accepts', () => {
  const b: ValueType = { t: 'bool' };
  expect(ok(b, 'yes')).toBe('yes');
  expect(ok(b, 'true')).toBe('yes');
  expect(ok(b, 'false')).toBe('no');
  expect(bad(b, 'on')).toBe("expected yes or no, found 'on'");
});

test('integers: decimal, bounds checked; hex stays hex (priority=0x8000)', () => {
  expect(ok({ t: 'int' }, '0042')).toBe('42');
  expect(ok({ t: 'int', min: 0, max: 65535 }, '0x8000')).toBe('0x8000');
  expect(ok({ t: 'int' }, '0x1A')).toBe('0x1a');
  expect(bad({ t: 'int', min: 1, max: 4094 }, '5000')).toBe('expected an integer 1..4094: 5000 is above the maximum 4094');
  expect(bad({ t: 'int' }, 'ten')).toBe("expected an integer, found 'ten'");
  expect(bad({ t: 'int' }, '')).toBe('expected an integer, found nothing');
});

test('enums and flag sets are checked word by word; negation kept', () => {
  const e: ValueType = { t: 'enum', values: ['accept', 'drop'] };
  expect(ok(e, 'drop')).toBe('drop');
  expect(bad(e, 'dorp')).toBe("expected one of accept, drop, found 'dorp'");
  const f: ValueType = { t: 'flags', values: ['established', 'related', 'new'] };
  expect(ok(f, 'established,related,established')).toBe('established,related');
  expect(ok(f, '!new', true)).toBe('!new');
  expect(bad(f, 'established,bogus')).toContain("found 'bogus' in 'established,bogus'");
  const tcp: ValueType = { t: 'flags', values: ['syn', 'ack'], negItems: true };
  expect(ok(tcp, 'syn,!ack')).toBe('syn,!ack');
  expect(bad(f, '!new')).toContain("found '!new'");
});

test('firewall address matchers drop host bits and /32, keep ranges', () => {
  const s: ValueType = { t: 'ip4-spec' };
  expect(ok(s, '10.0.0.5/24')).toBe('10.0.0.0/24');
  expect(ok(s, '10.0.0.5/32')).toBe('10.0.0.5');
  expect(ok(s, '10.0.0.5')).toBe('10.0.0.5');
  expect(ok(s, '10.0.0.0-10.0.0.255')).toBe('10.0.0.0-10.0.0.255');
  expect(ok(s, '!192.168.0.0/16', true)).toBe('!192.168.0.0/16');
  expect(bad(s, '172.16.1.X')).toBe("expected an IPv4 address, prefix or range like 10.0.0.0/8 or 10.0.0.10-10.0.0.20, found '172.16.1.X'");
  expect(bad(s, '10.0.0.1/33')).toContain('prefix length');
  expect(bad(s, '!10.0.0.1')).toContain('expected');
});

test('interface addresses keep host bits; a bare address is /32 where allowed', () => {
  expect(ok({ t: 'ip4-prefix', bareIsHost: true }, '192.168.88.1/24')).toBe('192.168.88.1/24');
  expect(ok({ t: 'ip4-prefix', bareIsHost: true }, '10.1.1.1')).toBe('10.1.1.1/32');
  expect(bad({ t: 'ip4-prefix' }, '10.1.1.1')).toContain('expected an IPv4 prefix');
});

test('address-list entries: aligned ranges become prefixes, /32 bare, DNS names kept', () => {
  const a: ValueType = { t: 'address-entry' };
  expect(ok(a, '192.168.0.0-192.168.1.255')).toBe('192.168.0.0/23');
  expect(ok(a, '192.168.0.7-192.168.0.7')).toBe('192.168.0.7');
  expect(ok(a, '192.168.0.1-192.168.0.10')).toBe('192.168.0.1-192.168.0.10');
  expect(ok(a, '10.0.0.5/24')).toBe('10.0.0.0/24');
  expect(ok(a, '1.2.3.4/32')).toBe('1.2.3.4');
  expect(ok(a, 'www.example.com')).toBe('www.example.com');
  expect(ok(a, '2001:DB8::1')).toBe('2001:db8::1/128');
  expect(ok(a, '2001:db8::1/64')).toBe('2001:db8::/64');
  expect(bad(a, '162.250.60.0/22l')).toBe("expected an IP address, prefix, range or DNS name, found '162.250.60.0/22l'");
});

test('IPv6, MACs, ports, ranges, rates and sizes', () => {
  expect(ok({ t: 'ip6' }, '2001:0db8:0:0::1')).toBe('2001:db8::1');
  expect(ok({ t: 'ip6-spec' }, '2001:db8::1/32')).toBe('2001:db8::/32');
  expect(ok({ t: 'mac' }, '4c:5e:0c:33:b0:56')).toBe('4C:5E:0C:33:B0:56');
  expect(ok({ t: 'ports' }, '80,443,8000-8080')).toBe('80,443,8000-8080');
  expect(bad({ t: 'ports' }, 'XXXX')).toContain("found 'XXXX'");
  expect(ok({ t: 'int-range', min: 0, max: 65535 }, '100-200')).toBe('100-200');
  expect(ok({ t: 'rate' }, '1000000')).toBe('1M');
  expect(ok({ t: 'rate-pair' }, '10M')).toBe('10M/10M');
  expect(ok({ t: 'rate-pair' }, '512k/2M')).toBe('512k/2M');
  expect(ok({ t: 'size' }, '51200')).toBe('50KiB');
});

test('lists, refs and raw patterns', () => {
  expect(ok({ t: 'list', of: { t: 'ip4' } }, '1.1.1.1,8.8.8.8')).toBe('1.1.1.1,8.8.8.8');
  expect(bad({ t: 'list', of: { t: 'ip4' } }, '1.1.1.1,x')).toContain("(in the list '1.1.1.1,x')");
  expect(ok({ t: 'ref', menu: '/interface' }, 'ether1')).toBe('ether1');
  expect(ok({ t: 'ref', menu: '/interface list' }, '!LAN', true)).toBe('!LAN');
  expect(ok({ t: 'raw', pattern: /^\d+,\d+$/ }, '2,1')).toBe('2,1');
  expect(bad({ t: 'raw', pattern: /^\d+,\d+$/, expect: 'every,packet like 2,1' }, '2')).toBe("expected every,packet like 2,1, found '2'");
});

test('describeType names what a type accepts', () => {
  expect(describeType({ t: 'time' })).toBe('a time like 1h30m or 00:01:00');
  expect(describeType({ t: 'ref', menu: '/interface list', also: ['all'] })).toBe('the name of an item of /interface list or all');
});
