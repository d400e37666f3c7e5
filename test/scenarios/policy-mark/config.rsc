# policy-mark: policy routing by routing mark (mangle mark-routing), on a dual-WAN router.
#   ether1  ISP1  10.1.0.2/30, gateway 10.1.0.1 (02:00:00:00:11:01)  the main table's default route
#   ether2  ISP2  10.2.0.2/30, gateway 10.2.0.1 (02:00:00:00:22:01)  the default route of table to-isp2
#   ether3  LAN   192.168.1.1/24: A 192.168.1.10, B 192.168.1.100, server S 192.168.1.50
# Marks:
#   - B's traffic to anywhere but the LAN goes out ISP2 (mark-routing on src-address, negated dst-address);
#   - HTTPS from anyone goes out ISP2 (mark-routing on protocol and port);
#   - connections that came in on ISP2 (a port forward to S) answer through ISP2: the classic
#     mark-connection on the way in, mark-routing from the connection mark on the way out.
# Both WANs masquerade. Gateway and host MACs are static ARP entries so the story needs no ARP.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
/routing table
add name=to-isp2 fib
/ip address
add address=10.1.0.2/30 interface=ether1 network=10.1.0.0
add address=10.2.0.2/30 interface=ether2 network=10.2.0.0
add address=192.168.1.1/24 interface=ether3 network=192.168.1.0
/ip route
add dst-address=0.0.0.0/0 gateway=10.1.0.1
add dst-address=0.0.0.0/0 gateway=10.2.0.1 routing-table=to-isp2
/ip arp
add address=10.1.0.1 interface=ether1 mac-address=02:00:00:00:11:01
add address=10.2.0.1 interface=ether2 mac-address=02:00:00:00:22:01
add address=192.168.1.10 interface=ether3 mac-address=02:00:00:0a:00:0a
add address=192.168.1.100 interface=ether3 mac-address=02:00:00:0b:00:0b
add address=192.168.1.50 interface=ether3 mac-address=02:00:00:0c:00:0c
/ip firewall mangle
add chain=prerouting action=mark-connection new-connection-mark=from-isp2 connection-state=new in-interface=ether2 \
    comment="connections that come in on ISP2"
add chain=prerouting action=mark-routing new-routing-mark=to-isp2 connection-mark=from-isp2 in-interface=ether3 \
    passthrough=no comment="... answer through ISP2"
add chain=prerouting action=mark-routing new-routing-mark=to-isp2 src-address=192.168.1.100 \
    dst-address=!192.168.1.0/24 passthrough=no comment="B goes out ISP2"
add chain=prerouting action=mark-routing new-routing-mark=to-isp2 protocol=tcp dst-port=443 in-interface=ether3 \
    comment="HTTPS goes out ISP2"
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
add chain=srcnat action=masquerade out-interface=ether2
add chain=dstnat action=dst-nat in-interface=ether2 protocol=tcp dst-port=8080 to-addresses=192.168.1.50 to-ports=80 \
    comment="port forward on ISP2"
