# stateful-filter: a router with a plain stateful forward filter and no NAT (LAN addresses routed as they are).
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10 (02:00:00:00:88:0a)
# Same as linux.sh + linux.nft beside this file.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0A
/ip firewall filter
add chain=forward action=accept connection-state=established,related comment="established, related"
add chain=forward action=drop connection-state=invalid comment="invalid"
add chain=forward action=accept connection-state=new in-interface=ether2 comment="new from the LAN"
add chain=forward action=drop comment="everything else"
