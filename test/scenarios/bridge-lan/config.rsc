# bridge-lan: a bridge with three ports and a routed uplink.
#   bridge-lan (ether2, ether3, ether4)  192.168.88.1/24  host A 192.168.88.10 on ether2, B 192.168.88.20 on ether3
#   ether1                               10.0.1.1/24      host D 10.0.1.50
# MACs are pinned so the expected frames can be read by hand.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
/interface bridge
add name=bridge-lan admin-mac=02:00:00:00:88:01 auto-mac=no
/interface bridge port
add bridge=bridge-lan interface=ether2
add bridge=bridge-lan interface=ether3
add bridge=bridge-lan interface=ether4
/ip address
add address=192.168.88.1/24 interface=bridge-lan network=192.168.88.0
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
