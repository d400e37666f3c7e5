# A home uplink that gives calls priority (scenario voip-priority).
#   ether1  WAN 203.0.113.2/24, gateway 203.0.113.1; 100 kbit/s up (queue tree on ether1)
#   ether2  LAN 192.168.88.1/24: the phone 192.168.88.20, the PC 192.168.88.30
# Calls (SIP and RTP ports) are marked voip, everything else leaving by the WAN bulk; the voip leaf has
# priority 1 and a 40k limit-at, bulk priority 8. Uploads are masqueraded.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:AA:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:AA:00:00:00:02
/ip address
add address=203.0.113.2/24 interface=ether1
add address=192.168.88.1/24 interface=ether2
/ip route
add gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.20 interface=ether2 mac-address=02:00:00:88:00:14
add address=192.168.88.30 interface=ether2 mac-address=02:00:00:88:00:1E
/ip firewall mangle
add chain=forward protocol=udp dst-port=5060-5061,10000-20000 action=mark-packet new-packet-mark=voip passthrough=no comment="calls"
add chain=forward out-interface=ether1 action=mark-packet new-packet-mark=bulk passthrough=no comment="the rest"
/ip firewall nat
add chain=srcnat out-interface=ether1 action=masquerade
/queue tree
add name=up parent=ether1 max-limit=100k
add name=voip parent=up packet-mark=voip priority=1 limit-at=40k max-limit=100k
add name=bulk parent=up packet-mark=bulk priority=8 max-limit=100k queue=default-small
