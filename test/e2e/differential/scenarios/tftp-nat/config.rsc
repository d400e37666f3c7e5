# tftp-nat: the TFTP helper through masquerade.
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10
# Stateful filters, masquerade, `/ip firewall service-port tftp` at its default (enabled, port 69).
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
/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=drop in-interface=ether1
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=accept connection-state=new in-interface=ether2
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
