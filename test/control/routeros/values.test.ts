import fc from 'fast-check';
import * as v from '../../../control/routeros/values';

const value = <T>(r: v.Parsed<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.error}`);
  return r.value;
};
const error = <T>(r: v.Parsed<T>): string => {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
};

describe('times', () => {
  test.each([
    ['1d2h3m4s', 93_784_000],
    ['500ms', 500],
    ['00:01:00', 60_000],
    ['1w', 604_800_000],
    ['4w2d', 2_592_000_000],
    ['30', 30_000],
    ['1.5s', 1500],
    ['1d00:00:30', 86_430_000],
    ['2w1d 10:00:00', 1_332_000_000],
    ['1:30', 5_400_000],
    ['20s', 20_000],
  ])('%s = %d ms', (text, ms) => expect(value(v.parseTime(text))).toBe(ms));

  test('errors say what a time looks like', () => {
    expect(error(v.parseTime('soon'))).toBe("expected a time like 1d2h3m4s, 500ms, 30 or 00:01:00, found 'soon'");
    expect(error(v.parseTime(''))).toContain('expected a time');
    expect(error(v.parseTime('1s1m'))).toContain('misorders its units');
    expect(error(v.parseTime('00:61:00'))).toContain('above 59');
    expect(error(v.parseTime('1h00:00:10'))).toContain('mixes h/m/s units with a clock time');
  });

  test('format is the compact RouterOS form and round-trips', () => {
    expect(v.formatTime(93_784_000)).toBe('1d2h3m4s');
    expect(v.formatTime(2_592_000_000)).toBe('4w2d');
    expect(v.formatTime(0)).toBe('0s');
    expect(v.formatTime(1500)).toBe('1s500ms');
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 11 }), (ms) => value(v.parseTime(v.formatTime(ms))) === ms));
  });
});

describe('rates and sizes', () => {
  test.each([
    ['10M', 10_000_000],
    ['512k', 512_000],
    ['1G', 1_000_000_000],
    ['1.5M', 1_500_000],
    ['64000', 64_000],
    ['0', 0],
  ])('rate %s = %d bit/s', (text, bps) => expect(value(v.parseRate(text))).toBe(bps));

  test('rate errors and printing', () => {
    expect(error(v.parseRate('10Mbps'))).toBe("expected a rate in bits/s like 10M, 512k or 64000, found '10Mbps'");
    expect(v.formatRate(10_000_000)).toBe('10M');
    expect(v.formatRate(1_500_000)).toBe('1500k');
    expect(v.formatRate(64_001)).toBe('64001');
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (n) => value(v.parseRate(v.formatRate(n))) === n));
  });

  test('upload/download pairs', () => {
    expect(value(v.parseRatePair('100M/50M'))).toEqual({ upload: 100_000_000, download: 50_000_000 });
    expect(value(v.parseRatePair('1M'))).toEqual({ upload: 1_000_000, download: 1_000_000 });
    expect(v.formatRatePair({ upload: 1_000_000, download: 512_000 })).toBe('1M/512k');
    expect(error(v.parseRatePair('1M/2M/3M'))).toContain('upload/download');
    expect(error(v.parseRatePair('1M/x'))).toContain("found 'x'");
  });

  test('sizes: binary KiB/MiB, decimal k/M, plain bytes', () => {
    expect(value(v.parseSize('50KiB'))).toBe(51_200);
    expect(value(v.parseSize('1MiB'))).toBe(1_048_576);
    expect(value(v.parseSize('1000'))).toBe(1000);
    expect(value(v.parseSize('64k'))).toBe(64_000);
    expect(v.formatSize(51_200)).toBe('50KiB');
    expect(v.formatSize(1000)).toBe('1000');
    expect(error(v.parseSize('5 KiB'))).toContain('expected a size');
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (n) => value(v.parseSize(v.formatSize(n))) === n));
  });
});

describe('booleans, integers, ranges, ports, lists', () => {
  test('yes/no', () => {
    expect(value(v.parseBool('yes'))).toBe(true);
    expect(value(v.parseBool('no'))).toBe(false);
    expect(value(v.parseBool('true'))).toBe(true);
    expect(error(v.parseBool('maybe'))).toBe("expected yes or no, found 'maybe'");
    expect(v.formatBool(false)).toBe('no');
  });

  test('integers and ranges', () => {
    expect(value(v.parseInteger('42'))).toBe(42);
    expect(value(v.parseInteger('-3'))).toBe(-3);
    expect(value(v.parseInteger('0x1F'))).toBe(31);
    expect(error(v.parseInteger('4096', { max: 4094 }))).toBe('4096 is above the maximum 4094');
    expect(error(v.parseInteger('1.5'))).toBe("expected an integer, found '1.5'");
    expect(value(v.parseIntRange('1000-2000'))).toEqual({ from: 1000, to: 2000 });
    expect(value(v.parseIntRange('80'))).toEqual({ from: 80, to: 80 });
    expect(error(v.parseIntRange('2000-1000'))).toBe("range '2000-1000' ends before it starts");
  });

  test('port lists', () => {
    expect(value(v.parsePortList('80,443,8000-8080'))).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
      { from: 8000, to: 8080 },
    ]);
    expect(v.formatPortList(value(v.parsePortList('5060-5061,3000-4000,1720')))).toBe('5060-5061,3000-4000,1720');
    expect(error(v.parsePortList('70000'))).toBe('70000 is above the maximum 65535');
    expect(error(v.parsePortList('80,'))).toBe("empty element in list '80,'");
    expect(error(v.parsePortList(''))).toContain('expected a port');
  });

  test('negation and generic lists', () => {
    expect(value(v.parseNegatable('!LAN', (s) => v.ok(s)))).toEqual({ negated: true, value: 'LAN' });
    expect(value(v.parseNegatable('10.0.0.0/8', (s) => v.parseIpv4Prefix(s)))).toMatchObject({ negated: false, value: { length: 8 } });
    expect(value(v.parseList('ip,vpnv4', (s) => v.ok(s)))).toEqual(['ip', 'vpnv4']);
    expect(value(v.parseList('', (s) => v.ok(s)))).toEqual([]);
  });
});

describe('addresses', () => {
  test('IPv4 addresses, prefixes and ranges', () => {
    expect(value(v.parseIpv4('192.168.88.1'))).toBe(0xc0a85801);
    expect(v.formatIpv4(0xc0a85801)).toBe('192.168.88.1');
    expect(error(v.parseIpv4('256.1.1.1'))).toBe("expected an IPv4 address like 192.168.88.1, found '256.1.1.1'");
    expect(error(v.parseIpv4('01.2.3.4'))).toContain('expected an IPv4 address');
    expect(error(v.parseIpv4('172.16.1.X'))).toContain('expected an IPv4 address');
    expect(value(v.parseIpv4Prefix('192.168.1.5/24'))).toEqual({ address: 0xc0a80105, length: 24, network: 0xc0a80100 });
    expect(value(v.parseIpv4Prefix('0.0.0.0/0'))).toEqual({ address: 0, length: 0, network: 0 });
    expect(value(v.parseIpv4Prefix('6.6.6.6', { bareIsHost: true }))).toMatchObject({ length: 32 });
    expect(error(v.parseIpv4Prefix('10.0.0.0/33'))).toBe("expected a prefix length 0-32 after '/', found '33' in '10.0.0.0/33'");
    expect(error(v.parseIpv4Prefix('162.250.60.0/22l'))).toBe("expected a prefix length 0-32 after '/', found '22l' in '162.250.60.0/22l'");
    expect(v.formatIpv4Prefix({ address: 0x0a000000, length: 8 })).toBe('10.0.0.0/8');
    expect(value(v.parseIpv4Range('192.168.88.10-192.168.88.254'))).toEqual({ from: 0xc0a8580a, to: 0xc0a858fe });
    expect(error(v.parseIpv4Range('10.0.0.9-10.0.0.1'))).toContain('ends before it starts');
    expect(value(v.parseIpv4Spec('10.0.0.1-10.0.0.5'))).toMatchObject({ kind: 'range' });
    expect(value(v.parseIpv4Spec('127.0.0.1'))).toMatchObject({ kind: 'prefix', prefix: { length: 32 } });
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => value(v.parseIpv4(v.formatIpv4(n))) === n));
  });

  test('IPv6 addresses and prefixes', () => {
    expect([...value(v.parseIpv6('2001:db8::1'))]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...value(v.parseIpv6('::ffff:1.2.3.4'))].slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(v.formatIpv6(value(v.parseIpv6('2001:db8:1234:0100::1')))).toBe('2001:db8:1234:100::1');
    expect(value(v.parseIpv6Prefix('ff02::1:ff00:0/104'))).toMatchObject({ length: 104 });
    expect(v.formatIpv6Prefix(value(v.parseIpv6Prefix('::/128')))).toBe('::/128');
    expect(error(v.parseIpv6Prefix('::/129'))).toBe("expected a prefix length 0-128 after '/', found '129' in '::/129'");
    expect(error(v.parseIpv6('fe80::1%ether1'))).toContain('expected an IPv6 address');
    expect(error(v.parseIpv6('1.2.3.4'))).toContain('expected an IPv6 address');
    expect(v.formatIpv6Range(value(v.parseIpv6Range('2001:db8::10-2001:db8::20')))).toBe('2001:db8::10-2001:db8::20');
    expect(error(v.parseIpv6Range('2001:db8::20-2001:db8::10'))).toContain('ends before it starts');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect([...value(v.parseIpv6(v.formatIpv6(bytes)))]).toEqual([...bytes]);
      }),
      { numRuns: 300 },
    );
  });

  test('MAC addresses and item ids', () => {
    expect(v.formatMac(value(v.parseMac('4c:5e:0c:33:b0:56')))).toBe('4C:5E:0C:33:B0:56');
    expect(error(v.parseMac('AA:BB:CC:DD:EE'))).toBe("expected a MAC address like 4C:5E:0C:33:B0:56, found 'AA:BB:CC:DD:EE'");
    expect(value(v.parseId('*1A'))).toBe(26);
    expect(v.formatId(26)).toBe('*1A');
    expect(error(v.parseId('1A'))).toBe("expected an item id like *1A, found '1A'");
  });
});

test('no parser throws on arbitrary text', () => {
  const parsers: ((s: string) => v.Parsed<unknown>)[] = [
    v.parseTime,
    v.parseRate,
    v.parseRatePair,
    v.parseSize,
    v.parseBool,
    (s) => v.parseInteger(s),
    (s) => v.parseIntRange(s),
    v.parsePortList,
    v.parseIpv4,
    (s) => v.parseIpv4Prefix(s, { bareIsHost: true }),
    v.parseIpv4Range,
    v.parseIpv4Spec,
    v.parseIpv6,
    (s) => v.parseIpv6Prefix(s, { bareIsHost: true }),
    v.parseIpv6Range,
    v.parseMac,
    v.parseId,
  ];
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-F:./*!,-]{0,30}$/)), (s) => {
      for (const p of parsers) expect(typeof p(s).ok).toBe('boolean');
    }),
    { numRuns: 3000 },
  );
});
