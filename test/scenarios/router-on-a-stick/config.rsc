# router-on-a-stick: one port, two VLANs routed between each other.
#   ether1 (trunk)  vlan10 (VID 10) 10.0.10.1/24  host A 10.0.10.10
#                   vlan20 (VID 20) 10.0.20.1/24  host B 10.0.20.20
# The VLAN interfaces inherit ether1's MAC, pinned so the expected frames can be read by hand.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
/interface vlan
add interface=ether1 name=vlan10 vlan-id=10
add interface=ether1 name=vlan20 vlan-id=20
/ip address
add address=10.0.10.1/24 interface=vlan10 network=10.0.10.0
add address=10.0.20.1/24 interface=vlan20 network=10.0.20.0
