# routing-two-port: the smallest routed path.
#   ether1  10.0.1.1/24  host A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  host B 10.0.2.20 (02:00:00:0b:00:14)
# Router MACs are pinned so the expected frames can be read by hand.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
