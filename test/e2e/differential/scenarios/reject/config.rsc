# reject: every way a filter rule can refuse a packet, forwarded and to the router.
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10
# No NAT. Same as linux.sh + linux.nft beside this file.
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
add chain=input action=reject protocol=tcp dst-port=22 in-interface=ether1 reject-with=tcp-reset
add chain=input action=reject protocol=udp dst-port=53 in-interface=ether1 reject-with=icmp-port-unreachable
add chain=input action=drop in-interface=ether1
add chain=forward action=reject protocol=tcp dst-port=23 reject-with=tcp-reset
add chain=forward action=reject protocol=udp dst-port=69 reject-with=icmp-port-unreachable
add chain=forward action=reject protocol=tcp dst-port=445 reject-with=icmp-admin-prohibited
add chain=forward action=reject protocol=udp dst-port=161 reject-with=icmp-host-prohibited
add chain=forward action=reject protocol=tcp dst-port=25
add chain=forward action=reject protocol=icmp reject-with=icmp-host-unreachable dst-address=198.51.100.99
add chain=forward action=drop protocol=tcp dst-port=135
