# policy-mark: mangle routing marks steer traffic to a second WAN (policy routing).
#   ether1  WAN1  203.0.113.2/30, gateway 203.0.113.1 (02:00:5e:00:00:01): the main table's default route
#   ether2  LAN   192.168.88.1/24: A .10, B .20, server S .50
#   ether3  WAN2  198.18.0.2/30, gateway 198.18.0.1 (02:00:5e:00:00:02): default route of table to-isp2
# B's traffic leaves by WAN2; a port forward on WAN2 answers through WAN2 (connection mark -> routing mark).
# Same as linux.sh + linux.nft beside this file.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
set [ find default-name=ether3 ] mac-address=02:F1:00:00:00:03
/routing table
add name=to-isp2 fib
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
add address=198.18.0.2/30 interface=ether3 network=198.18.0.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
add dst-address=0.0.0.0/0 gateway=198.18.0.1 routing-table=to-isp2
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=198.18.0.1 interface=ether3 mac-address=02:00:5E:00:00:02
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0A
add address=192.168.88.20 interface=ether2 mac-address=02:00:00:00:88:14
add address=192.168.88.50 interface=ether2 mac-address=02:00:00:00:88:32
/ip firewall mangle
add chain=prerouting action=mark-connection new-connection-mark=from-isp2 connection-state=new in-interface=ether3
add chain=prerouting action=mark-routing new-routing-mark=to-isp2 connection-mark=from-isp2 in-interface=ether2 passthrough=no
add chain=prerouting action=mark-routing new-routing-mark=to-isp2 src-address=192.168.88.20 dst-address=!192.168.88.0/24 \
    passthrough=no
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
add chain=srcnat action=masquerade out-interface=ether3
add chain=dstnat action=dst-nat in-interface=ether3 protocol=tcp dst-port=8080 to-addresses=192.168.88.50 to-ports=80
