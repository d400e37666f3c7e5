# port-knock: SSH opened by a four-knock TCP sequence, after the corpus's
# Im0nk3yar0und__mikrotik__firewall_bl&portKnocking.rsc (its "SSH Port Knocking Rule & Port Knocking Sequence"),
# adapted: the knocks come from the Internet on ether1 (the original listens on a LAN bridge and pins one
# source MAC), the knocked-open port is 22, and the sequence is the original's 10685, 6845, 6738, 9835.
#   ether1  WAN 203.0.113.2/24, ISP gateway 203.0.113.1 (02:00:5e:00:00:01, static ARP)
# Each knock is a new TCP connection to a closed port: the jump sends it to ssh_portKnocking, where the rule
# for its port adds the source to the next stage's list only if the source is already on the previous one
# (stages live 5 s, the final list pk_sshAllow 20 s, on the capture clock); the knock itself returns and is
# dropped by the last input rule. A source on pk_sshAllow may open SSH (logged "ssh_login").
# The story (captures.ts): SSH before knocking is dropped; a sequence with a late third knock fails; a correct
# sequence opens SSH for that source only; after 20 s the entry has expired and SSH is closed again.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:aa:00:00:00:01
/ip address
add address=203.0.113.2/24 interface=ether1 network=203.0.113.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
/ip firewall filter
add action=accept chain=input comment="accept established,related" connection-state=established,related
add action=jump chain=input comment="SSH Port Knocking" dst-port=9835,6738,6845,10685,22 in-interface=ether1 \
    jump-target=ssh_portKnocking protocol=tcp
add action=accept chain=ssh_portKnocking comment=KnockedSuccessfully connection-state=new dst-port=22 log=yes \
    log-prefix=ssh_login protocol=tcp src-address-list=pk_sshAllow
add action=add-src-to-address-list address-list=pk_sshAllow address-list-timeout=20s chain=ssh_portKnocking \
    comment="#KnockKnock:9835" connection-state=new dst-port=9835 protocol=tcp src-address-list=pk_stage3
add action=add-src-to-address-list address-list=pk_stage3 address-list-timeout=5s chain=ssh_portKnocking \
    comment="#KnockKnock:6738" connection-state=new dst-port=6738 protocol=tcp src-address-list=pk_stage2
add action=add-src-to-address-list address-list=pk_stage2 address-list-timeout=5s chain=ssh_portKnocking \
    comment="#KnockKnock:6845" connection-state=new dst-port=6845 protocol=tcp src-address-list=pk_stage1
add action=add-src-to-address-list address-list=pk_stage1 address-list-timeout=5s chain=ssh_portKnocking \
    comment="#KnockKnock:10685" connection-state=new dst-port=10685 protocol=tcp
add action=return chain=ssh_portKnocking comment="Return from SSH Port Knocking"
add action=drop chain=input comment="Deny All Other Incoming Traffic"
