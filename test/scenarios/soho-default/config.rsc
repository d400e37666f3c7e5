# soho-default: the RouterOS v7 default configuration's firewall ("defconf") on a home router, with FastTrack
# and masquerade. Follows the stock defconf export in the corpus
# (GuilloOme__routerOS-isolated-Vlan-config__ethernet_quick_set_default_config.rsc, v6.40) with v7's additions
# (input accept to 127.0.0.1 for CAPsMAN, fasttrack hw-offload=yes), written here by hand.
#   ether1          WAN 203.0.113.2/24, ISP gateway 203.0.113.1 (02:00:5e:00:00:01, static ARP)
#   bridge (ether2, ether3)  LAN 192.168.88.1/24; host H 192.168.88.10 (02:00:00:00:88:0a, static ARP)
# Left out of defconf on purpose: the two forward `accept ipsec-policy=in|out,ipsec` rules and the
# masquerade's `ipsec-policy=out,none` — flowplane has no IPsec, so every packet's policy is "none": the
# accepts would match nothing and the masquerade matches the same packets without the matcher.
# The story (captures.ts): H resolves a name and browses (handshake, data, FIN close), pings a server on the
# Internet; a scanner's SYNs from the WAN (to the router and to H) are dropped; H sends a stray SYN/ACK
# (invalid, dropped); established connections are fasttracked: their packets skip the firewall and count in
# the fasttrack counters, except the ones that take the slow path (TCP state changes, the once-a-second refresh).
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:ee:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:ee:00:00:00:02
set [ find default-name=ether3 ] mac-address=02:ee:00:00:00:03
/interface bridge
add admin-mac=02:EE:00:00:00:02 auto-mac=no comment=defconf name=bridge
/interface bridge port
add bridge=bridge comment=defconf interface=ether2
add bridge=bridge comment=defconf interface=ether3
/interface list
add comment=defconf name=WAN
add comment=defconf name=LAN
/interface list member
add comment=defconf interface=bridge list=LAN
add comment=defconf interface=ether1 list=WAN
/ip address
add address=192.168.88.1/24 comment=defconf interface=bridge network=192.168.88.0
add address=203.0.113.2/24 interface=ether1 network=203.0.113.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=bridge mac-address=02:00:00:00:88:0A
/ip firewall filter
add action=accept chain=input comment="defconf: accept established,related,untracked" connection-state=established,related,untracked
add action=drop chain=input comment="defconf: drop invalid" connection-state=invalid
add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
add action=accept chain=input comment="defconf: accept to local loopback (for CAPsMAN)" dst-address=127.0.0.1
add action=drop chain=input comment="defconf: drop all not coming from LAN" in-interface-list=!LAN
add action=fasttrack-connection chain=forward comment="defconf: fasttrack" connection-state=established,related hw-offload=yes
add action=accept chain=forward comment="defconf: accept established,related, untracked" connection-state=established,related,untracked
add action=drop chain=forward comment="defconf: drop invalid" connection-state=invalid
add action=drop chain=forward comment="defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat comment="defconf: masquerade" out-interface-list=WAN
