# bridge-flood-learn: flooding, learning and ageing on one bridge, with a static host, a horizon pair,
# a port that takes no broadcast and no unknown unicast, a bridge filter rule and a bridge nat rule.
#
#   br-lan  ether1  host A (and the sender of most frames)
#           ether2  host B; host C moves here from ether3
#           ether3  host C at first; the static host S is pinned here (/interface bridge host)
#           ether4  unknown-unicast-flood=no broadcast-flood=no (still gets unknown multicast)
#           ether5  horizon=1, host H1 } a horizon pair: never forwarded to each other
#           ether6  horizon=1, host H2 }
#   ageing-time=10s, so learned hosts expire within the capture; protocol-mode=none (flowplane runs no STP
#   in any mode: every port forwards).
#   bridge filter: forward drops UDP to port 9 (discard) going out of ether2, per flooded copy.
#   bridge nat: dstnat rewrites the destination MAC 02:00:00:00:0e:0e (an old server) to C's MAC.
# MACs are pinned so the frames can be read by hand.
/interface bridge
add name=br-lan admin-mac=02:00:00:00:b1:01 auto-mac=no ageing-time=10s protocol-mode=none
/interface bridge port
add bridge=br-lan interface=ether1
add bridge=br-lan interface=ether2
add bridge=br-lan interface=ether3
add bridge=br-lan interface=ether4 unknown-unicast-flood=no broadcast-flood=no
add bridge=br-lan interface=ether5 horizon=1
add bridge=br-lan interface=ether6 horizon=1
/interface bridge host
add bridge=br-lan interface=ether3 mac-address=02:00:00:00:05:0a
/interface bridge filter
add chain=forward action=drop mac-protocol=ip ip-protocol=udp dst-port=9 out-interface=ether2 comment="no discard traffic to ether2"
/interface bridge nat
add chain=dstnat action=dst-nat dst-mac-address=02:00:00:00:0e:0e to-dst-mac-address=02:00:00:0c:00:0c comment="old server MAC"
/ip address
add address=192.168.1.1/24 interface=br-lan network=192.168.1.0
