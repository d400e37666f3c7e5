# ftp-nat: FTP through masquerade, passive and active, with the FTP helper (service-port ftp, on by default).
#   ether1  WAN, 203.0.113.2/24, upstream gateway 203.0.113.1 (02:00:5e:00:00:01)
#   ether2  LAN, 192.168.88.1/24, the client 192.168.88.10 (02:00:00:00:88:0a)
# The client 192.168.88.10 talks to the FTP server 198.51.100.21 over one control connection
# (192.168.88.10:50000 -> 198.51.100.21:21, masqueraded to 203.0.113.2:50000):
#   - passive: PASV, the server answers 227 (198,51,100,21,195,80) = port 50000; the helper expects
#     192.168.88.10 -> 198.51.100.21:50000, so the data connection from the client is related (and
#     masqueraded like the control connection);
#   - active: PORT 192,168,88,10,195,90 (port 50010) is rewritten to PORT 203,0,113,2,195,90 (two bytes
#     shorter: the control connection's sequence numbers are adjusted from then on); the server's data
#     connection from port 20 to 203.0.113.2:50010 is related and goes to 192.168.88.10:50010.
# The forward chain accepts FTP data connections first (connection-type=ftp), then established/related,
# drops invalid, lets the LAN open connections and drops everything else: without the helper the active
# data connection from the WAN would be dropped.
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
/ip address
add address=203.0.113.2/24 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0A
/ip firewall filter
add chain=forward action=accept connection-type=ftp comment="FTP data connections"
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=accept connection-state=new in-interface=ether2
add chain=forward action=drop comment="nothing else"
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
