# ssh-bruteforce: the classic staged SSH brute-force blacklist, after the corpus's
# Im0nk3yar0und__mikrotik__firewall_bl&portKnocking.rsc ("Blacklist SSH Rule" and "Black List Chain Rules"),
# adapted: the LAN side is a routed port ether2 instead of a bridge, SSH (22) is accepted after the checks and
# everything else to the router dropped, as the original's full rule set ends.
#   ether2  LAN 192.168.88.1/24: attacker A 192.168.88.66, slow guesser B 192.168.88.77, the admin
#           192.168.88.2 whose workstation MAC AA:BB:CC:EE:DD:FF the blacklist drop spares
# Every new SSH connection walks bl_ssh_chain: on stage 3 -> blacklisted (4w2d), on stage 2 -> stage 3, on
# stage 1 -> stage 2, and always -> stage 1 (each stage 1m, on the capture clock). So a source's 4th new
# connection within a minute of the previous ones puts it on bl_ssh, and from its 5th on it is dropped (and
# logged) before the jump — unless it comes from the admin's MAC.
/interface ethernet
set [ find default-name=ether2 ] mac-address=02:bb:00:00:00:02
/ip address
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip firewall address-list
add comment="Black List (SSH)" list=bl_ssh address=192.0.2.1
/ip firewall filter
add action=accept chain=input comment="accept established,related" connection-state=established,related
add action=drop chain=input comment="Drop anyone in Black List (SSH)." log=yes log-prefix=bl_ssh \
    src-address-list=bl_ssh src-mac-address=!AA:BB:CC:EE:DD:FF
add action=jump chain=input comment="Jump to Black List (SSH) chain." dst-port=22,2222 in-interface=ether2 \
    jump-target=bl_ssh_chain protocol=tcp
add action=add-src-to-address-list address-list=bl_ssh address-list-timeout=4w2d chain=bl_ssh_chain \
    comment="Transfer repeated attempts from Black List (SSH) Stage 3 to Black List (SSH)." connection-state=new \
    src-address-list=bl_ssh_stage3
add action=add-src-to-address-list address-list=bl_ssh_stage3 address-list-timeout=1m chain=bl_ssh_chain \
    comment="Add successive attempts to Black List (SSH) Stage 3." connection-state=new src-address-list=bl_ssh_stage2
add action=add-src-to-address-list address-list=bl_ssh_stage2 address-list-timeout=1m chain=bl_ssh_chain \
    comment="Add successive attempts to Black List (SSH) Stage 2." connection-state=new src-address-list=bl_ssh_stage1
add action=add-src-to-address-list address-list=bl_ssh_stage1 address-list-timeout=1m chain=bl_ssh_chain \
    comment="Add initial attempt to Black List (SSH) Stage 1." connection-state=new
add action=return chain=bl_ssh_chain comment="Return From Black List (SSH) chain."
add action=accept chain=input comment="allow SSH" dst-port=22 protocol=tcp
add action=drop chain=input comment="drop everything else"
