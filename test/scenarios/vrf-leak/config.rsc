# vrf-leak: a VRF with two interfaces and its own connected routes, routes leaked from it into main and
# back, and local addresses that are local only in their VRF.
#   ether1  10.0.1.1/24  main  LAN: A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  main  servers: S 10.0.2.20 (02:00:00:05:00:14), router U 10.0.2.254 (02:00:00:00:02:54)
#   ether3  10.3.0.1/24  cust  C 10.3.0.10 (02:00:00:0c:00:0a)
#   ether4  10.4.0.1/24  cust  D 10.4.0.10 (02:00:00:0d:00:0a), cust's router R 10.4.0.254 (02:00:00:00:04:fe)
# VRF cust's table holds its two connected networks and its two local addresses (10.3.0.1, 10.4.0.1);
# main holds neither. Leaks (manual, VRF, "Static Inter-VRF Routes"):
#   into cust: main's server network by an interface gateway (ether2 is in main), and 198.51.100.0/24 by a
#              gateway resolved in main (10.0.2.254@main: U);
#   into main: cust's network 10.3.0.0/24 by an interface gateway (ether3), and 172.20.0.0/16 by a gateway
#              resolved in cust (10.4.0.254@cust: R).
# Nothing leaks 10.4.0.0/24 or 10.0.1.0/24, so A cannot reach cust's 10.4.0.1 and C cannot reach main's
# 10.0.1.1: both get ICMP net unreachable, each routed back in its own VRF.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
set [ find default-name=ether4 ] mac-address=02:00:00:00:04:01
/ip vrf
add interfaces=ether3,ether4 name=cust
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
add address=10.3.0.1/24 interface=ether3 network=10.3.0.0
add address=10.4.0.1/24 interface=ether4 network=10.4.0.0
/ip route
add dst-address=10.0.2.0/24 gateway=ether2 routing-table=cust comment="into cust: main's servers, interface gateway"
add dst-address=198.51.100.0/24 gateway=10.0.2.254@main routing-table=cust comment="into cust: resolved in main, via U"
add dst-address=10.3.0.0/24 gateway=ether3 comment="into main: cust's network on ether3"
add dst-address=172.20.0.0/16 gateway=10.4.0.254@cust comment="into main: resolved in cust, via R"
/ip arp
add address=10.0.1.10 interface=ether1 mac-address=02:00:00:0a:00:0a
add address=10.0.2.20 interface=ether2 mac-address=02:00:00:05:00:14
add address=10.0.2.254 interface=ether2 mac-address=02:00:00:00:02:54
add address=10.3.0.10 interface=ether3 mac-address=02:00:00:0c:00:0a
add address=10.4.0.10 interface=ether4 mac-address=02:00:00:0d:00:0a
add address=10.4.0.254 interface=ether4 mac-address=02:00:00:00:04:fe
