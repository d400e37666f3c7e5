# The guest mr1 of the WISP example: its first link is the public side, its second the clients'.
/system identity
set name=wisp-mr1
/interface ethernet
set [ find default-name=ether1 ] name=public
set [ find default-name=ether2 ] name=local
/ip address
add address=203.0.113.10/24 interface=public
add address=192.168.10.1/24 interface=local
/ip route
add gateway=203.0.113.1
/ip firewall nat
add action=masquerade chain=srcnat out-interface=public
