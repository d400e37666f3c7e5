# flowplane demo: a small office router.
#   ether1  WAN, 203.0.113.2/30, upstream gateway 203.0.113.1
#   bridge-lan (ether2, ether3)  LAN, 192.168.88.1/24
#   vlan20-guest on bridge-lan   guests on VLAN 20, 192.168.20.1/24
# A port forward publishes a LAN web server (192.168.88.10:80) as 203.0.113.2:8080; the guests' VLAN is
# held to 5 Mbit/s each way by a simple queue.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
set [ find default-name=ether3 ] mac-address=02:F1:00:00:00:03
/interface bridge
add name=bridge-lan admin-mac=02:F1:00:00:00:02 auto-mac=no
/interface bridge port
add bridge=bridge-lan interface=ether2
add bridge=bridge-lan interface=ether3
/interface vlan
add interface=bridge-lan name=vlan20-guest vlan-id=20
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=bridge-lan list=LAN
add interface=vlan20-guest list=LAN
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=bridge-lan network=192.168.88.0
add address=192.168.20.1/24 interface=vlan20-guest network=192.168.20.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip firewall address-list
add address=192.168.88.0/24 list=trusted
add address=198.51.100.66 list=blocked comment="known scanner"
/ip firewall filter
add chain=input action=accept connection-state=established,related comment="accept established, related"
add chain=input action=drop connection-state=invalid comment="drop invalid"
add chain=input action=accept protocol=icmp comment="accept ICMP"
add chain=input action=accept src-address-list=trusted comment="accept from the LAN"
add chain=input action=drop in-interface-list=!LAN comment="drop everything else not from the LAN"
add chain=forward action=drop src-address-list=blocked comment="drop the known scanner"
add chain=forward action=fasttrack-connection connection-state=established,related hw-offload=yes
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop src-address=192.168.20.0/24 dst-address=192.168.88.0/24 comment="guests stay off the LAN"
add chain=forward action=drop connection-state=new connection-nat-state=!dstnat in-interface-list=WAN \
    comment="drop new from WAN unless port-forwarded"
/ip firewall nat
add chain=srcnat action=masquerade out-interface-list=WAN
add chain=dstnat action=dst-nat in-interface=ether1 protocol=tcp dst-port=8080 to-addresses=192.168.88.10 to-ports=80 \
    comment="web server"
/queue simple
add name=guests target=192.168.20.0/24 max-limit=5M/5M
/system identity
set name=demo-router
