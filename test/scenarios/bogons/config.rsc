# bogons: an address list of bogon prefixes, blocked in raw (spoofed sources from the WAN), on input and on
# forward. The list follows the corpus's Im0nk3yar0und__mikrotik__firewall_bogon_list.rsc (its RFC 3330 /
# 1918 / 5737 entries, the private ranges and multicast kept disabled=yes, as there), the forward drop to
# bogon destinations is its rule — with the list name spelled as the list is (`bogons`: the original's
# `Bogons` names a list that does not exist, names are case-sensitive) — and the raw drop of WAN sources
# follows cameronm77__mikrotik__scripts_raw.rsc's spoofing rule.
#   ether1  WAN 100.64.0.2/30, gateway 100.64.0.1 (02:00:5e:00:00:01)
#   ether2  LAN 192.168.88.1/24: H 192.168.88.10 (192.168.0.0/16 is a disabled entry: the LAN is not a bogon)
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:bf:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:bf:00:00:00:02
/ip address
add address=100.64.0.2/30 interface=ether1 network=100.64.0.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=100.64.0.1
/ip arp
add address=100.64.0.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0A
/ip firewall address-list
add address=0.0.0.0/8 comment="Self-Identification [RFC 3330]" disabled=no list=bogons
add address=10.0.0.0/8 comment="Private[RFC 1918] - CLASS A # Check if you need this subnet before enable it" disabled=yes list=bogons
add address=127.0.0.0/8 comment="Loopback [RFC 3330]" disabled=no list=bogons
add address=169.254.0.0/16 comment="Link Local [RFC 3330]" disabled=no list=bogons
add address=172.16.0.0/12 comment="Private[RFC 1918] - CLASS B # Check if you need this subnet before enable it" disabled=yes list=bogons
add address=192.168.0.0/16 comment="Private[RFC 1918] - CLASS C # Check if you need this subnet before enable it" disabled=yes list=bogons
add address=192.0.2.0/24 comment="Reserved - IANA - TestNet1" disabled=no list=bogons
add address=192.88.99.0/24 comment="6to4 Relay Anycast [RFC 3068]" disabled=no list=bogons
add address=198.18.0.0/15 comment="NIDB Testing" disabled=no list=bogons
add address=198.51.100.0/24 comment="Reserved - IANA - TestNet2" disabled=no list=bogons
add address=203.0.113.0/24 comment="Reserved - IANA - TestNet3" disabled=no list=bogons
add address=224.0.0.0/4 comment="MC, Class D, IANA # Check if you need this subnet before enable it" disabled=yes list=bogons
/ip firewall raw
add action=drop chain=prerouting comment="IP Spoofing protection from WAN" in-interface=ether1 src-address-list=bogons
/ip firewall filter
add action=drop chain=input comment="drop bogon sources to the router" src-address-list=bogons
add action=drop chain=forward comment="drop bogon sources" src-address-list=bogons
add action=drop chain=forward comment="Drop to bogon list" dst-address-list=bogons
/ip firewall nat
add action=masquerade chain=srcnat out-interface=ether1
