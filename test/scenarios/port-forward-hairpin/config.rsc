# port-forward-hairpin: a web server on the LAN published on the public address, with the hairpin srcnat rule
# so LAN clients can use the public address too. NAT after the corpus's cameronm77__mikrotik__scripts_nat.rsc
# ("Default Masq", the dst-nat port forwards, the masquerade of LAN-to-server traffic), filter after RouterOS
# defconf's forward chain (with FastTrack), written here by hand with real addresses for the placeholders.
#   ether1  WAN 203.0.113.2/24, ISP gateway 203.0.113.1 (02:00:5e:00:00:01)
#   ether2  LAN 192.168.88.1/24: web server S 192.168.88.10:80, client C 192.168.88.20
# Port forward: 203.0.113.2:8080 -> S:80, matched on the public address (not on in-interface), so that it
# catches LAN clients too; the hairpin masquerade then makes S answer through the router.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:cc:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:cc:00:00:00:02
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=ether2 list=LAN
/ip address
add address=203.0.113.2/24 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:00:10
add address=192.168.88.20 interface=ether2 mac-address=02:00:00:00:00:20
/ip firewall filter
add action=fasttrack-connection chain=forward comment="defconf: fasttrack" connection-state=established,related
add action=accept chain=forward comment="defconf: accept established,related, untracked" connection-state=established,related,untracked
add action=drop chain=forward comment="defconf: drop invalid" connection-state=invalid
add action=drop chain=forward comment="defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat comment="Default Masq" out-interface-list=WAN
add action=masquerade chain=srcnat comment="hairpin" dst-address=192.168.88.10 dst-port=80 out-interface=ether2 protocol=tcp \
    src-address=192.168.88.0/24
add action=dst-nat chain=dstnat comment="web server" dst-address=203.0.113.2 dst-port=8080 protocol=tcp \
    to-addresses=192.168.88.10 to-ports=80
