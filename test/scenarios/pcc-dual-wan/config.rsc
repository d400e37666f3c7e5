# pcc-dual-wan: per-connection-classifier load balancing over two WANs, after the corpus's
# AmirArsalanTaqavi__Mikrotik-Config-Examples__scenarios_multi-wan-pcc-load-balance.rsc, brought to v7:
# `/routing table` entries and `routing-table=` on the routes (v6's routing-mark= on routes), and the
# mark-connection rules only for connections without a mark, the mark-routing rules only for packets from the
# LAN (so de-NATed answers coming in from a WAN are routed by main to the LAN, not back out their WAN).
# check-gateway is left out (no ping replies in the captures).
#   ether1  ISP1 10.1.0.2/30, gateway 10.1.0.1 (02:00:00:00:11:01)   table to_ISP1
#   ether2  ISP2 10.2.0.2/30, gateway 10.2.0.1 (02:00:00:00:22:01)   table to_ISP2
#   ether3  LAN 192.168.1.1/24: H1 .10, H2 .20, H3 .30
# A connection from the LAN is classified once by both-addresses:2/0 or 2/1 (flowplane's hash: match.ts
# pccHash) into ISP1_conn or ISP2_conn; every packet of it from the LAN is then marked to that WAN's table,
# and masqueraded to that WAN's address.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:dd:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:dd:00:00:00:02
set [ find default-name=ether3 ] mac-address=02:dd:00:00:00:03
/routing table
add fib name=to_ISP1
add fib name=to_ISP2
/ip address
add address=10.1.0.2/30 interface=ether1 network=10.1.0.0
add address=10.2.0.2/30 interface=ether2 network=10.2.0.0
add address=192.168.1.1/24 interface=ether3 network=192.168.1.0
/ip route
add comment="Route via ISP1" distance=1 gateway=10.1.0.1 routing-table=to_ISP1
add comment="Route via ISP2" distance=1 gateway=10.2.0.1 routing-table=to_ISP2
add comment="Default Route ISP1" distance=1 gateway=10.1.0.1
add comment="Backup Route ISP2" distance=2 gateway=10.2.0.1
/ip arp
add address=10.1.0.1 interface=ether1 mac-address=02:00:00:00:11:01
add address=10.2.0.1 interface=ether2 mac-address=02:00:00:00:22:01
add address=192.168.1.10 interface=ether3 mac-address=02:00:00:00:01:10
add address=192.168.1.20 interface=ether3 mac-address=02:00:00:00:01:20
add address=192.168.1.30 interface=ether3 mac-address=02:00:00:00:01:30
/ip firewall mangle
add action=mark-connection chain=prerouting connection-mark=no-mark dst-address-type=!local in-interface=ether3 \
    new-connection-mark=ISP1_conn passthrough=yes per-connection-classifier=both-addresses:2/0
add action=mark-connection chain=prerouting connection-mark=no-mark dst-address-type=!local in-interface=ether3 \
    new-connection-mark=ISP2_conn passthrough=yes per-connection-classifier=both-addresses:2/1
add action=mark-routing chain=prerouting connection-mark=ISP1_conn in-interface=ether3 new-routing-mark=to_ISP1 passthrough=yes
add action=mark-routing chain=prerouting connection-mark=ISP2_conn in-interface=ether3 new-routing-mark=to_ISP2 passthrough=yes
/ip firewall nat
add action=masquerade chain=srcnat comment="NAT ISP1" out-interface=ether1
add action=masquerade chain=srcnat comment="NAT ISP2" out-interface=ether2
