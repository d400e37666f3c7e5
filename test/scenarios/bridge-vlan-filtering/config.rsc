# bridge-vlan-filtering: one VLAN-filtering bridge, a trunk and two access ports, the router on VLAN 10.
#
#   ether1  trunk   VLAN 10 and 20 tagged, frame-types=admit-only-vlan-tagged (untagged frames dropped)
#                   behind it a switch with T1 (VLAN 10, 192.168.10.101) and T2 (VLAN 20, 192.168.20.102)
#   ether2  access  pvid 10, untagged: host A 192.168.10.10
#   ether3  access  pvid 20, untagged: host B 192.168.20.20
#   bridge1 tagged member of VLAN 10; vlan10 on it carries the router's 192.168.10.1/24
#
# The story (captures.ts lists it frame by frame): tagged in / untagged out and back, flooding only within
# a VLAN, ingress filtering of a VID the trunk does not carry, frame-types on trunk and access ports, a
# priority-tagged frame on an access port, the same MAC learned per VLAN, and the router answering ARP and
# ping on vlan10 from an access port and from the trunk. MACs are pinned so frames can be read by hand.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:02
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:03
/interface bridge
add name=bridge1 admin-mac=02:00:00:00:b0:01 auto-mac=no vlan-filtering=yes
/interface bridge port
add bridge=bridge1 interface=ether1 frame-types=admit-only-vlan-tagged
add bridge=bridge1 interface=ether2 pvid=10 frame-types=admit-only-untagged-and-priority-tagged
add bridge=bridge1 interface=ether3 pvid=20 frame-types=admit-only-untagged-and-priority-tagged
/interface bridge vlan
add bridge=bridge1 vlan-ids=10 tagged=bridge1,ether1 untagged=ether2
add bridge=bridge1 vlan-ids=20 tagged=ether1 untagged=ether3
/interface vlan
add interface=bridge1 name=vlan10 vlan-id=10
/ip address
add address=192.168.10.1/24 interface=vlan10 network=192.168.10.0
