# frag-needed: the egress MTU check.
#   ether1  10.0.1.1/24  MTU 1500  host A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  MTU 1400  host B 10.0.2.20 (02:00:00:0b:00:14), a link with a smaller MTU (a tunnel,
#                                  PPPoE...)
# Both hosts have static ARP entries, so the story is about sizes only. A sends B 1500-byte packets:
# with DF set they cannot pass ether2 (ICMP 3/4 "fragmentation needed" with next-hop MTU 1400 goes back to A,
# which is how path MTU discovery learns the size); with DF clear the router cuts them into fragments that
# fit 1400 bytes.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01 mtu=1400
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
/ip arp
add address=10.0.1.10 interface=ether1 mac-address=02:00:00:0a:00:0a
add address=10.0.2.20 interface=ether2 mac-address=02:00:00:0b:00:14
