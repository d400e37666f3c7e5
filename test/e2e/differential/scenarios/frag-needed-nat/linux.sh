# frag-needed-nat: the iproute2 half of config.rsc (run inside the router namespace).
ip link set ether1 address 02:f1:00:00:00:01 mtu 1400 up
ip link set ether2 address 02:f1:00:00:00:02 up
ip addr add 203.0.113.2/30 dev ether1
ip addr add 192.168.88.1/24 dev ether2
ip route add default via 203.0.113.1
ip neigh replace 203.0.113.1 lladdr 02:00:5e:00:00:01 nud permanent dev ether1
ip neigh replace 192.168.88.10 lladdr 02:00:00:00:88:0a nud permanent dev ether2
ip neigh replace 192.168.88.50 lladdr 02:00:00:00:88:32 nud permanent dev ether2
