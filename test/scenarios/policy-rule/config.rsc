# policy-rule: /routing rule items steer traffic by source address and by in-interface into other routing
# tables, before main (RouterOS's decision order: mangle, vrf-lookup, vrf-unreach, local, user, main).
#   ether1  10.0.1.1/24  LAN1: A 10.0.1.10, B 10.0.1.20, D 10.0.1.30
#   ether2  10.0.2.1/24  ISP1: gateway G1 10.0.2.254 (02:00:00:00:02:54), main's default route
#   ether3  10.0.3.1/24  ISP2: gateway G2 10.0.3.254 (02:00:00:00:03:54), table isp2's default route and
#                        table partner's route to the partner network 172.16.0.0/16
#   ether4  10.0.4.1/24  LAN2: C 10.0.4.10: everything it sends leaves by ISP2
# The rules, top-down: a blocked network dropped silently; a rejected one answered with ICMP net
# unreachable; B looks in partner first and falls through to main on a miss (action=lookup); D may use
# partner's routes only (action=lookup-only-in-table: a miss fails); LAN2 (in-interface ether4) uses isp2.
# Traffic to the router's own addresses is delivered before the rules are read (policy step local).
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
set [ find default-name=ether4 ] mac-address=02:00:00:00:04:01
/routing table
add fib name=isp2
add fib name=partner
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
add address=10.0.3.1/24 interface=ether3 network=10.0.3.0
add address=10.0.4.1/24 interface=ether4 network=10.0.4.0
/ip route
add gateway=10.0.2.254 comment="ISP1: main's default"
add gateway=10.0.3.254 routing-table=isp2 comment="ISP2: isp2's default"
add dst-address=172.16.0.0/16 gateway=10.0.3.254 routing-table=partner comment="the partner network, over ISP2"
/routing rule
add action=drop dst-address=192.0.2.0/24 comment="blocked network"
add action=unreachable dst-address=198.18.0.0/15 comment="benchmark network: reject"
add action=lookup src-address=10.0.1.20/32 table=partner comment="B: partner first, then main"
add action=lookup-only-in-table src-address=10.0.1.30/32 table=partner comment="D: partner only"
add action=lookup interface=ether4 table=isp2 comment="LAN2 leaves by ISP2"
/ip arp
add address=10.0.1.10 interface=ether1 mac-address=02:00:00:0a:00:0a
add address=10.0.1.20 interface=ether1 mac-address=02:00:00:0b:00:14
add address=10.0.1.30 interface=ether1 mac-address=02:00:00:0d:00:1e
add address=10.0.2.254 interface=ether2 mac-address=02:00:00:00:02:54
add address=10.0.3.254 interface=ether3 mac-address=02:00:00:00:03:54
add address=10.0.4.10 interface=ether4 mac-address=02:00:00:0c:00:0a
