# mangle-redirect: packet-changing mangle actions and redirect to the router.
#   ether1  WAN  203.0.113.2/30, gateway 203.0.113.1 (ISP 02:00:5e:00:00:01)
#   ether2  LAN  192.168.88.1/24, host A 192.168.88.10 (LAN routed without NAT)
# MSS clamped to 1360 on SYNs that offer more; UDP leaving by the WAN gets TTL 32; SIP gets DSCP 46 (EF);
# the LAN's web and DNS traffic is redirected to the router (ports 3128 and 5353, where nothing listens).
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
/ip firewall mangle
add chain=forward action=change-mss new-mss=1360 protocol=tcp tcp-flags=syn tcp-mss=1361-65535
add chain=postrouting action=change-ttl new-ttl=set:32 protocol=udp out-interface=ether1
add chain=postrouting action=change-dscp new-dscp=46 protocol=udp dst-port=5060
/ip firewall nat
add chain=dstnat action=redirect protocol=tcp dst-port=80 in-interface=ether2 to-ports=3128
add chain=dstnat action=redirect protocol=udp dst-port=53 in-interface=ether2 to-ports=5353
