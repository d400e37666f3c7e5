/**
 * control/compile/bridge.ts and bridge-rules.ts: the bridge block of a Generation compiled from config text
 * (VLAN ports, membership with its dynamic entries, static hosts, settings) and the bridge filter/nat rules
 * in their typed-array form.
 */
import { generationFrom } from '../../dataplane/flow/helpers';
import { VIDS, VlanMember, FrameTypes } from '../../../dataplane/stages/bridge-vlan';
import { BrAction, BrChain, BrMac, BrMatch, BrRuleFlag, MAC_PROTO_LENGTH, chainLength } from '../../../dataplane/stages/bridge-rules';
import { BridgeIpFirewall } from '../../../dataplane/stages/state';
import { parseVlanIds } from '../../../control/compile/bridge';

const BASE = `/interface bridge
add name=br1 vlan-filtering=yes ether-type=0x88a8 pvid=99 frame-types=admit-only-vlan-tagged ingress-filtering=no
add name=br2
/interface bridge port
add bridge=br1 interface=ether1 frame-types=admit-only-vlan-tagged
add bridge=br1 interface=ether2 pvid=10 frame-types=admit-only-untagged-and-priority-tagged
add bridge=br1 interface=ether3 pvid=20 ingress-filtering=no
add bridge=br1 interface=ether4 disabled=yes
add bridge=br2 interface=ether5
/interface bridge vlan
add bridge=br1 vlan-ids=10,30-32 tagged=ether1,br1 untagged=ether2
add bridge=br1 vlan-ids=20 tagged=ether1,ether2
add bridge=br1 vlan-ids=40 tagged=ether1 disabled=yes
/interface vlan
add interface=br1 name=v50 vlan-id=50
add interface=br1 name=v10 vlan-id=10
`;

describe('compile: bridge VLAN tables', () => {
  const gen = generationFrom(BASE);
  const p = (n: string) => gen.portNames.indexOf(n);
  const nP = gen.portNames.length;
  const mem = (vp: number, vid: number) => gen.bridgeVlanMember[vp * VIDS + vid];

  test('per bridge: vlan-filtering and ether-type; per VLAN port: pvid, frame-types, ingress-filtering', () => {
    expect(Array.from(gen.bridgeVlanFiltering)).toEqual([1, 0]);
    expect(Array.from(gen.bridgeTpid)).toEqual([0x88a8, 0x8100]);
    expect([gen.bridgePvid[p('ether2')], gen.bridgePvid[p('ether3')], gen.bridgePvid[p('ether1')], gen.bridgePvid[nP]]).toEqual([10, 20, 1, 99]);
    expect([gen.bridgeFrameTypes[p('ether1')], gen.bridgeFrameTypes[p('ether2')], gen.bridgeFrameTypes[p('ether3')], gen.bridgeFrameTypes[nP]]).toEqual([
      FrameTypes.ADMIT_ONLY_VLAN_TAGGED,
      FrameTypes.ADMIT_ONLY_UNTAGGED_AND_PRIORITY_TAGGED,
      FrameTypes.ADMIT_ALL,
      FrameTypes.ADMIT_ONLY_VLAN_TAGGED,
    ]);
    expect([gen.bridgeIngressFiltering[p('ether1')], gen.bridgeIngressFiltering[p('ether3')], gen.bridgeIngressFiltering[nP]]).toEqual([1, 0, 0]);
    expect(gen.portBridge[p('ether4')]).toBe(-1); // disabled port item
    expect(gen.bridgeVlanMember.length).toBe((nP + 2) * VIDS);
  });

  test('explicit membership: ranges, the bridge itself; disabled entries ignored', () => {
    for (const v of [10, 30, 31, 32]) expect([v, mem(p('ether1'), v), mem(nP, v)]).toEqual([v, VlanMember.TAGGED, VlanMember.TAGGED]);
    expect(mem(p('ether1'), 33)).toBe(VlanMember.NONE);
    expect(mem(p('ether2'), 10)).toBe(VlanMember.UNTAGGED);
    expect(mem(p('ether2'), 20)).toBe(VlanMember.TAGGED);
    expect(mem(p('ether1'), 40)).toBe(VlanMember.NONE);
  });

  test('dynamic entries: untagged pvid membership unless admit-only-vlan-tagged or already a member; 7.16 tagged bridge membership for a VLAN interface', () => {
    expect(mem(p('ether3'), 20)).toBe(VlanMember.UNTAGGED); // pvid 20, admit-all
    expect(mem(p('ether1'), 1)).toBe(VlanMember.NONE); // admit-only-vlan-tagged: no pvid membership
    expect(mem(p('ether2'), 10)).toBe(VlanMember.UNTAGGED);
    expect(mem(nP, 99)).toBe(VlanMember.NONE); // the bridge admits only tagged frames
    expect(mem(nP, 50)).toBe(VlanMember.TAGGED); // v50 on br1, no entry: added dynamically
    expect(mem(nP, 10)).toBe(VlanMember.TAGGED); // already tagged: unchanged
    expect(mem(nP + 1, 1)).toBe(VlanMember.NONE); // br2 has no vlan-filtering: no membership
  });

  test('a bridge interface admitting untagged frames is an untagged member of its pvid', () => {
    const g = generationFrom(`/interface bridge\nadd name=br1 vlan-filtering=yes\n/interface bridge port\nadd bridge=br1 interface=ether2\n`);
    const n = g.portNames.length;
    expect(g.bridgeVlanMember[n * VIDS + 1]).toBe(VlanMember.UNTAGGED);
    expect(g.bridgeVlanMember[g.portNames.indexOf('ether2') * VIDS + 1]).toBe(VlanMember.UNTAGGED);
  });

  test('parseVlanIds', () => {
    expect(parseVlanIds('10,20-22,4094')).toEqual([10, 20, 21, 22, 4094]);
    expect(parseVlanIds('')).toEqual([]);
  });
});

describe('compile: static hosts and settings', () => {
  test('hosts: VID from vid, else the port pvid on a VLAN-filtering bridge, 0 without; wrong bridge left out', () => {
    const g = generationFrom(`${BASE}/interface bridge host
add bridge=br1 interface=ether2 mac-address=02:00:00:00:00:01 vid=20
add bridge=br1 interface=ether2 mac-address=02:00:00:00:00:02
add bridge=br2 interface=ether5 mac-address=02:00:00:00:00:03 vid=7
add bridge=br2 interface=ether2 mac-address=02:00:00:00:00:04
/interface bridge settings
set use-ip-firewall=yes use-ip-firewall-for-vlan=yes
`);
    const p = (n: string) => g.portNames.indexOf(n);
    expect(g.bridgeHosts).toEqual([
      { bridge: 0, macHi: 0x0200, macLo: 1, vid: 20, port: p('ether2') },
      { bridge: 0, macHi: 0x0200, macLo: 2, vid: 10, port: p('ether2') },
      { bridge: 1, macHi: 0x0200, macLo: 3, vid: 0, port: p('ether5') },
    ]);
    expect(g.bridgeIpFirewall).toBe(BridgeIpFirewall.USE_IP_FIREWALL | BridgeIpFirewall.FOR_VLAN);
    expect(generationFrom(BASE).bridgeIpFirewall).toBe(0);
  });
});

describe('compile: bridge filter and nat rules', () => {
  const gen = generationFrom(`/interface bridge
add name=br1
/interface bridge port
add bridge=br1 interface=ether1
add bridge=br1 interface=ether2
/interface list
add name=EDGE
/interface list member
add list=EDGE interface=ether2
/interface bridge filter
add chain=forward action=jump jump-target=checks comment=first
add chain=checks action=drop src-mac-address=02:00:00:00:00:00/FF:FF:FF:00:00:00 in-interface=!ether1
add chain=input action=drop mac-protocol=0x88cc
add chain=forward action=mark-packet new-packet-mark=seen passthrough=no mac-protocol=ip ip-protocol=udp dst-port=100-200 src-address=10.0.0.0/8
add chain=forward action=accept packet-mark=seen in-interface-list=EDGE vlan-id=!10 mac-protocol=length
add chain=forward action=drop disabled=yes
add chain=forward action=drop limit=10/1s,5
add chain=checks action=set-priority new-priority=3
/interface bridge nat
add chain=dstnat action=dst-nat to-dst-mac-address=02:00:00:00:00:0b dst-mac-address=02:00:00:00:00:0c
add chain=srcnat action=arp-reply to-arp-reply-mac-address=02:00:00:00:00:0d arp-opcode=request arp-dst-address=192.168.1.0/24
add chain=checks action=accept
`);
  const R = gen.bridgeRules;
  const rowOf = (comment: string) => R.text.findIndex((t) => t.includes(comment));

  test('chain layout: built-in chains first, user chains per table', () => {
    expect(R.chainNames).toEqual(['input', 'forward', 'output', 'dstnat', 'srcnat', 'filter:checks', 'nat:checks']);
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => chainLength(R, c))).toEqual([1, 4, 0, 1, 1, 2, 1]);
    expect(R.count).toBe(10); // the disabled rule is left out
    const fwd = R.chainStart[BrChain.FORWARD]!;
    expect(R.action[fwd]).toBe(BrAction.JUMP);
    expect(R.jump[fwd]).toBe(5);
    expect(R.text[fwd]).toMatch(/^filter \*[0-9A-F]+ "first"$/);
  });

  test('matchers: bits, negation, MAC/MASK, ports, prefixes, marks, lists', () => {
    const r = R.chainStart[5]!; // filter:checks, first rule
    expect(R.match[r]).toBe(BrMatch.SRC_MAC | BrMatch.IN_IF);
    expect(R.neg[r]).toBe(BrMatch.IN_IF);
    expect(R.inIf[r]).toBe(gen.portNames.indexOf('ether1'));
    const j = r * 4 + BrMac.SRC;
    expect([R.macHi[j], R.macLo[j] >>> 0, R.maskHi[j], R.maskLo[j] >>> 0]).toEqual([0x0200, 0, 0xffff, 0xff000000]);
    expect(R.macProto[R.chainStart[BrChain.INPUT]!]).toBe(0x88cc);
    const m = R.chainStart[BrChain.FORWARD]! + 1;
    expect(R.match[m]).toBe(BrMatch.MAC_PROTO | BrMatch.IP_PROTO | BrMatch.DST_PORT | BrMatch.SRC_ADDR);
    expect([R.ipProto[m], R.dstPortLo[m], R.dstPortHi[m], R.srcAddr[m] >>> 0, R.srcMask[m] >>> 0]).toEqual([17, 100, 200, 0x0a000000, 0xff000000]);
    expect(R.action[m]).toBe(BrAction.MARK_PACKET);
    expect(R.flags[m]! & BrRuleFlag.STOP).toBe(BrRuleFlag.STOP);
    expect(R.markNames[R.newMark[m]!]).toBe('seen');
    const a = m + 1;
    expect(R.packetMark[a]).toBe(R.newMark[m]);
    expect(R.neg[a]).toBe(BrMatch.VLAN_ID);
    expect(R.macProto[a]).toBe(MAC_PROTO_LENGTH);
    const l = R.inList[a]!;
    expect(R.listMember[l * R.vports + gen.portNames.indexOf('ether2')]).toBe(1);
    expect(R.listMember[l * R.vports + gen.portNames.indexOf('ether1')]).toBe(0);
  });

  test('nat: target MACs, ARP matchers; unsupported matchers make a rule inactive, with a warning', () => {
    const d = R.chainStart[BrChain.DSTNAT]!;
    expect(Array.from(R.toMac.subarray(d * 6, d * 6 + 6))).toEqual([2, 0, 0, 0, 0, 0x0b]);
    const s = R.chainStart[BrChain.SRCNAT]!;
    expect(R.action[s]).toBe(BrAction.ARP_REPLY);
    expect([R.arpOp[s], R.arpDst[s] >>> 0, R.arpDstMask[s] >>> 0]).toEqual([1, 0xc0a80100, 0xffffff00]);
    const lim = R.chainStart[BrChain.FORWARD]! + 3;
    expect(R.flags[lim]! & BrRuleFlag.INACTIVE).toBe(BrRuleFlag.INACTIVE);
    expect(gen.bridgeRuleWarnings.some((w) => /^filter \*[0-9A-F]+: limit is not evaluated/.test(w))).toBe(true);
    expect(gen.bridgeRuleWarnings.some((w) => /set-priority/.test(w))).toBe(true);
    expect(rowOf('first')).toBe(R.chainStart[BrChain.FORWARD]);
  });

  test('no rules: every chain empty', () => {
    const g = generationFrom('/interface bridge\nadd name=br1\n');
    expect(g.bridgeRules.count).toBe(0);
    expect(g.bridgeRuleWarnings).toEqual([]);
  });
});
