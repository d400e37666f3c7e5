# address-lists: static block lists and SSH brute-force staging with dynamic, timed entries.
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10 (an SSH server reachable from the WAN, no NAT)
# A second new SSH connection from the same source within 1s puts it on ssh-black for 3s.
# Same as linux.sh + linux.nft beside this file.
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
/ip firewall address-list
add list=blocked address=198.51.100.66 comment="known scanner"
add list=blocked address=198.51.100.128/25
add list=blocked address=198.51.100.30-198.51.100.35
/ip firewall filter
add chain=forward action=drop src-address-list=blocked
add chain=forward action=drop src-address-list=ssh-black
add chain=forward action=add-src-to-address-list address-list=ssh-black address-list-timeout=3s protocol=tcp dst-port=22 \
    connection-state=new src-address-list=ssh-stage1
add chain=forward action=add-src-to-address-list address-list=ssh-stage1 address-list-timeout=1s protocol=tcp dst-port=22 \
    connection-state=new src-address-list=!ssh-stage1
