# ecmp: two equal-distance default routes merge into one ECMP route (flag +); the routing stage picks one
# gateway per flow with the l3 hash (/ip settings ipv4-multipath-hash-policy=l3, the default: source and
# destination address only), so every packet of a flow leaves by the same gateway and different flows
# spread over both.
#   ether1  10.0.1.1/24  LAN: host A 10.0.1.10 (02:00:00:0a:00:0a), host B 10.0.1.11 (02:00:00:0b:00:0b)
#   ether2  10.0.2.1/24  uplink 1: gateway G1 10.0.2.254 (02:00:00:00:02:54)
#   ether3  10.0.3.1/24  uplink 2: gateway G2 10.0.3.254 (02:00:00:00:03:54)
# Router MACs are pinned and the neighbours are static ARP entries, so every output frame can be read by hand.
# flowplane's hash (dataplane/stages/routing.ts): hop = fmix32(src ^ dst) % 2, murmur3's 32-bit finaliser;
# hop 0 is the first route in configuration order (uplink 1).
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
add address=10.0.3.1/24 interface=ether3 network=10.0.3.0
/ip route
add gateway=10.0.2.254 comment="uplink 1"
add gateway=10.0.3.254 comment="uplink 2"
/ip arp
add address=10.0.1.10 interface=ether1 mac-address=02:00:00:0a:00:0a
add address=10.0.1.11 interface=ether1 mac-address=02:00:00:0b:00:0b
add address=10.0.2.254 interface=ether2 mac-address=02:00:00:00:02:54
add address=10.0.3.254 interface=ether3 mac-address=02:00:00:00:03:54
