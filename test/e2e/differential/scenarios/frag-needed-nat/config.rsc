# frag-needed-nat: fragmentation-needed about packets of NATed connections.
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01), MTU 1400 (a smaller link: PPPoE,
#                a tunnel)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10, server S 192.168.88.50 (port 8080 forwarded to S:80)
# Masquerade out of the WAN, a port forward, no filter. Same as linux.sh + linux.nft beside this file.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01 mtu=1400
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
/ip firewall nat
add chain=dstnat action=dst-nat dst-address=203.0.113.2 protocol=tcp dst-port=8080 to-addresses=192.168.88.50 to-ports=80
add chain=srcnat action=masquerade out-interface=ether1
