# arp-proxy: the interface ARP modes, static and published entries, resolution and its failure.
#   ether1  10.0.1.1/24  arp=proxy-arp        host A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  (arp=enabled)        host B 10.0.2.20 (02:00:00:0b:00:14); host C 10.0.1.200
#                                             (02:00:00:0c:00:c8) sits here although its address belongs to
#                                             ether1's subnet (a dial-in client, say): a /32 route sends it
#                                             out ether2, so ether1 answers ARP for it (proxy-arp)
#   ether3  10.0.3.1/24  arp=local-proxy-arp  hosts D 10.0.3.10 and E 10.0.3.20 on one segment that should
#                                             only talk through the router (isolated ports)
#   ether4  10.0.4.1/24  arp=reply-only       host F 10.0.4.40 has a static entry; G 10.0.4.50 has none
#   10.0.2.99 is published on ether2 (say a NAT address): the router answers ARP for it with its own MAC.
# Router MACs are pinned so the expected frames can be read by hand.
/interface ethernet
set [ find default-name=ether1 ] arp=proxy-arp mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] arp=local-proxy-arp mac-address=02:00:00:00:03:01
set [ find default-name=ether4 ] arp=reply-only mac-address=02:00:00:00:04:01
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
add address=10.0.3.1/24 interface=ether3 network=10.0.3.0
add address=10.0.4.1/24 interface=ether4 network=10.0.4.0
/ip arp
add address=10.0.4.40 interface=ether4 mac-address=02:00:00:0f:00:28
add address=10.0.2.99 interface=ether2 published=yes
/ip route
add dst-address=10.0.1.200/32 gateway=ether2
