/**
 * tftp-nat: a TFTP read through masquerade (RFC 1350: the server answers from a new port of its own). The
 * helper (RouterOS service-port tftp; Linux nf_conntrack_tftp + nf_nat_tftp) expects that answer when it
 * sees the request; without it the answer would be an unsolicited packet for the router.
 *   0 ms    A: RRQ 40000 -> SRV:69                 -> out as 203.0.113.2.40000
 *   100     SRV: DATA block 1 from 50123 -> 203.0.113.2.40000 -> related: to A.40000
 *   200     A: ACK block 1 -> SRV:50123            -> the data connection's reply: out as 203.0.113.2.40000
 *   300     SRV: DATA block 2 (last, short)        -> established: to A
 *   400     SRV: DATA from 50124 (a second answer: the expectation was used up) -> input drops it
 *   500     A: WRQ 40001 -> SRV:69                 -> out as 203.0.113.2.40001
 *   600     SRV: ACK block 0 from 50200 -> 203.0.113.2.40001 -> related: to A.40001
 */
import { Story, tx, drop, type Scenario } from '../../harness/story';
import { A, WAN_IP, fromLan, fromWan } from '../common';

const SRV = '198.51.100.69';
const op = (code: number, ...rest: number[]) => Uint8Array.from([0, code, ...rest]);
const req = (code: number, file: string) => Uint8Array.from([0, code, ...Buffer.from(`${file}\0octet\0`)]);

export function scenario(): Scenario {
  const s = new Story();
  s.at(0, 'ether2', fromLan().ipv4({ src: A, dst: SRV, id: 101 }).udp({ sport: 40000, dport: 69 }).payload(req(1, 'boot.bin')).build(), tx('ether1', `${WAN_IP}.40000 > ${SRV}.69: UDP`));
  s.at(100, 'ether1', fromWan().ipv4({ src: SRV, dst: WAN_IP, id: 201 }).udp({ sport: 50123, dport: 40000 }).payload(op(3, 0, 1, ...new Array(512).fill(0x55))).build(),
    tx('ether2', `${SRV}.50123 > ${A}.40000: UDP`), 'related answer');
  s.at(200, 'ether2', fromLan().ipv4({ src: A, dst: SRV, id: 102 }).udp({ sport: 40000, dport: 50123 }).payload(op(4, 0, 1)).build(), tx('ether1', `${WAN_IP}.40000 > ${SRV}.50123: UDP`));
  s.at(300, 'ether1', fromWan().ipv4({ src: SRV, dst: WAN_IP, id: 202 }).udp({ sport: 50123, dport: 40000 }).payload(op(3, 0, 2, 1, 2, 3)).build(), tx('ether2', `${SRV}.50123 > ${A}.40000: UDP`));
  s.at(400, 'ether1', fromWan().ipv4({ src: SRV, dst: WAN_IP, id: 203 }).udp({ sport: 50124, dport: 40000 }).payload(op(3, 0, 1, 9)).build(), drop('firewall-drop'), 'expectation used up');
  s.at(500, 'ether2', fromLan().ipv4({ src: A, dst: SRV, id: 103 }).udp({ sport: 40001, dport: 69 }).payload(req(2, 'up.bin')).build(), tx('ether1', `${WAN_IP}.40001 > ${SRV}.69: UDP`));
  s.at(600, 'ether1', fromWan().ipv4({ src: SRV, dst: WAN_IP, id: 204 }).udp({ sport: 50200, dport: 40001 }).payload(op(4, 0, 0)).build(), tx('ether2', `${SRV}.50200 > ${A}.40001: UDP`), 'write: related ack');
  return {
    name: 'tftp-nat',
    ports: ['ether1', 'ether2'],
    frames: s.frames,
    differences: [],
  };
}
