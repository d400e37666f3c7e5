/**
 * compileConntrackSettings (window-tracking settings, the ftp service port) and the connection-type matcher's
 * compile: ftp compiles to the FTP helper code, helpers not implemented are reported and never match.
 */
import { generationFrom } from '../../dataplane/flow/helpers';
import { Helper } from '../../../dataplane/conntrack/table';
import { M, R } from '../../../dataplane/firewall/rules';

const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
`;

test('defaults: liberal off, 5m retrans and unacked timeouts, ftp helper on port 21', () => {
  const c = generationFrom(BASE).firewall.conntrack;
  expect(c.liberalTcp).toBe(false);
  expect(c.looseTcp).toBe(true);
  expect(c.tcpMaxRetransTimeout).toBe(300);
  expect(c.tcpUnackedTimeout).toBe(300);
  expect(Array.from(c.ftpPorts)).toEqual([21, 21]);
});

test('configured: liberal, timeouts, ftp on other ports, ftp disabled', () => {
  const c = generationFrom(`${BASE}/ip firewall connection tracking
set liberal-tcp-tracking=yes loose-tcp-tracking=no tcp-max-retrans-timeout=1m tcp-unacked-timeout=2m
/ip firewall service-port
set ftp ports=21,2121
`).firewall.conntrack;
  expect(c.liberalTcp).toBe(true);
  expect(c.looseTcp).toBe(false);
  expect(c.tcpMaxRetransTimeout).toBe(60);
  expect(c.tcpUnackedTimeout).toBe(120);
  expect(Array.from(c.ftpPorts)).toEqual([21, 21, 2121, 2121]);
  const off = generationFrom(`${BASE}/ip firewall service-port
set ftp disabled=yes
`).firewall.conntrack;
  expect(off.ftpPorts.length).toBe(0);
});

test('connection-type=ftp compiles; sip is reported and never matches', () => {
  const fw = generationFrom(`${BASE}/ip firewall filter
add chain=forward action=accept connection-type=ftp
add chain=forward action=accept connection-type=sip
add chain=forward action=accept connection-type=!ftp
`).firewall;
  expect(fw.filter.has[0]! & M.RARE).toBe(M.RARE);
  expect(fw.filter.has2[0]! & R.CTYPE).toBe(R.CTYPE);
  expect(fw.filter.ctype[0]).toBe(Helper.FTP);
  expect(fw.filter.has[1]! & M.UNSUPPORTED).toBe(M.UNSUPPORTED);
  expect(fw.problems.map((p) => p.message)).toEqual(['connection-type=sip: the sip helper is not implemented yet']);
  expect(fw.filter.neg2[2]! & R.CTYPE).toBe(R.CTYPE);
});
