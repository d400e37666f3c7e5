# recursive-default: a default route whose gateway is not on a connected network, resolved recursively
# through a host route (scope/target-scope), next to routes that cannot resolve and stay inactive, and
# blackholes that catch what they would have carried.
#   ether1  10.0.1.1/24  LAN: host A 10.0.1.10 (02:00:00:0a:00:0a)
#   ether2  10.0.2.1/24  uplink: the ISP's router I 10.0.2.254 (02:00:00:00:02:54), learned by ARP
# The ISP's far gateway 192.0.2.1 is not on any connected network: the /32 route reaches it through I.
# That route has scope=10 but an address gateway resolved with target-scope 10, so RouterOS raises the
# scope its next hop resolves with to target-scope + 1 = 11 (manual, Routing Decision, "Nexthop Lookup");
# the default route therefore needs target-scope=11 to resolve through it. Its immediate gateway is I:
# the router ARPs for 10.0.2.254, never for 192.0.2.1.
# 203.0.113.0/24 uses the same far gateway with the default target-scope=10: it cannot resolve (the /32 is
# scope 11, the default route scope 30), so it stays inactive and its distance-2 blackhole backup is used.
# 198.51.100.0/24's gateway 172.31.0.1 is reachable through nothing of scope <= 10: inactive too; the
# covering 198.51.0.0/16 blackhole drops its traffic silently.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.0.1.1/24 interface=ether1 network=10.0.1.0
add address=10.0.2.1/24 interface=ether2 network=10.0.2.0
/ip route
add dst-address=192.0.2.1/32 gateway=10.0.2.254 scope=10 comment="the ISP's far gateway, through I"
add dst-address=0.0.0.0/0 gateway=192.0.2.1 target-scope=11 comment="default via the far gateway"
add dst-address=203.0.113.0/24 gateway=192.0.2.1 comment="same gateway, target-scope 10: cannot resolve"
add dst-address=203.0.113.0/24 blackhole distance=2 comment="backup of the route above"
add dst-address=198.51.100.0/24 gateway=172.31.0.1 comment="gateway reachable through nothing"
add dst-address=198.51.0.0/16 blackhole comment="covering blackhole"
