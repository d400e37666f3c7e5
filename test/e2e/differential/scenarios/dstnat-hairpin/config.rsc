# dstnat-hairpin: a port forward to a LAN server, reachable from the LAN too (hairpin NAT).
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10, server S 192.168.88.50
# 203.0.113.2:8080/tcp -> S:80 and 203.0.113.2:5000/udp -> S:5000; the hairpin srcnat makes S answer LAN
# clients through the router. New connections from the WAN are dropped unless port-forwarded
# (connection-nat-state=!dstnat). Same as linux.sh + linux.nft beside this file.
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
add address=192.168.88.50 interface=ether2 mac-address=02:00:00:00:88:32
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop connection-state=new connection-nat-state=!dstnat in-interface=ether1 \
    comment="drop new from WAN unless port-forwarded"
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
add chain=srcnat action=masquerade src-address=192.168.88.0/24 dst-address=192.168.88.50 out-interface=ether2 \
    comment=hairpin
add chain=dstnat action=dst-nat dst-address=203.0.113.2 protocol=tcp dst-port=8080 to-addresses=192.168.88.50 to-ports=80
add chain=dstnat action=dst-nat dst-address=203.0.113.2 protocol=udp dst-port=5000 to-addresses=192.168.88.50
