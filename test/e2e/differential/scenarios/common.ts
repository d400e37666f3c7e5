/**
 * The topology most differential scenarios share (each scenario's config.rsc and linux.sh spell it out):
 *   ether1  WAN  203.0.113.2/30, upstream gateway 203.0.113.1 (ISP, static ARP / permanent neighbour)
 *   ether2  LAN  192.168.88.1/24: hosts A .10, B .20, server S .50 (static ARP / permanent neighbours)
 *   ether3  (some scenarios) a second WAN or LAN, see the scenario
 * Remote hosts are in 198.51.100.0/24. Router MACs are pinned in both configs.
 */
import { frame } from '../../../../pcap/fixture';

export const R1 = '02:f1:00:00:00:01';
export const R2 = '02:f1:00:00:00:02';
export const R3 = '02:f1:00:00:00:03';
export const ISP = '02:00:5e:00:00:01';
export const ISP2 = '02:00:5e:00:00:02';
export const A_MAC = '02:00:00:00:88:0a';
export const B_MAC = '02:00:00:00:88:14';
export const S_MAC = '02:00:00:00:88:32';

export const WAN_IP = '203.0.113.2';
export const GW = '203.0.113.1';
export const LAN_GW = '192.168.88.1';
export const A = '192.168.88.10';
export const B = '192.168.88.20';
export const S = '192.168.88.50';
export const WEB = '198.51.100.80';
export const DNS = '198.51.100.53';
export const VISITOR = '198.51.100.23';
export const SCANNER = '198.51.100.66';

/** A frame from LAN host A (or `mac`) to the router's LAN port. */
export const fromLan = (mac = A_MAC) => frame().eth({ src: mac, dst: R2 });
/** A frame from the ISP gateway to the router's WAN port. */
export const fromWan = () => frame().eth({ src: ISP, dst: R1 });

export const SYN_OPTS = { mss: 1460, sackOk: true, ts: [1000, 0] as const, wscale: 7 };
export const SYNACK_OPTS = { mss: 1460, sackOk: true, ts: [9000, 1000] as const, wscale: 7 };

/** An ICMP error quote: the IPv4 packet (no link header) of a frame. */
export const ipOf = (f: Uint8Array): Uint8Array => f.slice(14);
