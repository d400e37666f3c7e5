# MetaRouter WISP example (host): the host bridges its uplink ether1 and its client port ether2, each with one
# end of a link to the guest mr1; the guest routes between them with its own addresses and masquerade
# (guest-mr1.rsc). The host has an address of its own on the public side.
/interface bridge
add name=bridge-public
add name=bridge-local
/interface bridge port
add bridge=bridge-public interface=ether1
add bridge=bridge-local interface=ether2
/ip address
add address=203.0.113.2/24 interface=bridge-public
/metarouter
add name=mr1 memory-size=24 disk-size=0 disabled=no
/metarouter interface
add virtual-machine=mr1 type=dynamic dynamic-bridge=bridge-public vm-mac-address=02:4D:52:00:00:01
add virtual-machine=mr1 type=dynamic dynamic-bridge=bridge-local vm-mac-address=02:4D:52:00:00:02
