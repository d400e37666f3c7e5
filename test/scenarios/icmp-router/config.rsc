# icmp-router: what the router answers itself (ICMP, closed and open ports, reassembly, rate limit).
#   ether1  10.0.1.1/24  host A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  (nobody needs to answer there: the packets for it die of TTL 1 first)
# Router MACs are pinned so the expected frames can be read by hand.
# Services: telnet is switched off (TCP 23 is closed: a SYN gets a reset), www stays on (TCP 80 listens),
# DNS does not serve the network (UDP 53 closed), the other ports are closed (ICMP port unreachable).
# /ip settings are the defaults: icmp-rate-limit=10 (ms), icmp-rate-mask=0x1818: 6 errors to one host at
# once, then one per 10 ms.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
/ip service
set telnet disabled=yes
