# bridge-ip-firewall: a transparent stateful firewall. A bridge of two ports with the IP firewall on bridged
# traffic (use-ip-firewall=yes):
#   br1 (ether2 inside, ether3 outside)  192.168.88.1/24  host A 192.168.88.10 on ether2, S 192.168.88.20 on ether3
# Forward: replies to connections A opened pass; nothing new from ether3; invalid dropped. Input: the router
# answers only the inside port (in-interface is br1 for both ports: in-bridge-port tells them apart).
# MACs are pinned so the expected frames can be read by hand.
/interface bridge
add name=br1 admin-mac=02:00:00:00:88:01 auto-mac=no
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3
/interface bridge settings
set use-ip-firewall=yes
/ip address
add address=192.168.88.1/24 interface=br1 network=192.168.88.0
/ip firewall filter
add chain=forward action=accept connection-state=established,related comment="established"
add chain=forward action=drop connection-state=invalid comment="invalid"
add chain=forward action=drop connection-state=new in-bridge-port=ether3 comment="no new from outside"
add chain=input action=accept in-interface=br1 in-bridge-port=ether2 comment="router from inside"
add chain=input action=drop comment="router from outside"
