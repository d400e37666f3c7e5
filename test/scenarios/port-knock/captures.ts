/**
 * The port-knock scenario's input captures (config.rsc says the topology and the rules).
 * `npx tsc -p . && node dist/test/scenarios/port-knock/captures.js --write` rewrites in-ether1.pcap.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC), U = 198.51.100.7 (knows the sequence), X = 198.51.100.9;
 * every packet is a TCP SYN to the router's 203.0.113.2 unless said otherwise:
 *      0  U:40000 -> 22      not knocked: returns from the chain, dropped by "Deny All"
 *   1000  U -> 10685         knock 1: U on pk_stage1 until 6.0 s; the knock itself is dropped
 *   2000  U -> 6845          knock 2: U on pk_stage2 until 7.0 s; dropped
 *   9000  U -> 6738          knock 3, too late (pk_stage2 ended at 7.0 s): no pk_stage3; dropped
 *   9500  U -> 9835          knock 4: U not on pk_stage3, nothing added; dropped
 *  10000  U:40001 -> 22      still closed: dropped
 *  20000  U -> 10685         a correct sequence: pk_stage1 (to 25.0 s)
 *  21000  U -> 6845          pk_stage2 (to 26.0 s)
 *  22000  U -> 6738          pk_stage3 (to 27.0 s)
 *  23000  U -> 9835          pk_sshAllow (to 43.0 s)
 *  24000  U:40002 -> 22      KnockedSuccessfully: accepted (and logged), delivered to the router's SSH
 *  24500  U:40002 -> 22      the SYN again (a retransmission): still new, still on the list: accepted
 *  25000  X:50000 -> 22      X never knocked: dropped
 *  42000  U:40004 -> 22      a new SSH connection 1 s before the entry ends: accepted
 *  44000  U:40003 -> 22      pk_sshAllow expired at 43.0 s: dropped again
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures, T0 } from '../fw-scenario';

export const T0_KNOCK = T0;

export const R = '02:aa:00:00:00:01';
export const ISP = '02:00:5e:00:00:01';
export const ROUTER = '203.0.113.2';
export const U = '198.51.100.7';
export const X = '198.51.100.9';

export function knockCaptures(): Record<string, FixtureFrame[]> {
  let id = 0;
  const syn = (ms: number, src: string, sport: number, dport: number): FixtureFrame =>
    at(ms, frame().eth({ src: ISP, dst: R }).ipv4({ src, dst: ROUTER, id: ++id }).tcp({ sport, dport, flags: 'S', seq: 1000, window: 1024 }).build());
  const ether1: FixtureFrame[] = [
    syn(0, U, 40000, 22),
    syn(1000, U, 41000, 10685),
    syn(2000, U, 41001, 6845),
    syn(9000, U, 41002, 6738),
    syn(9500, U, 41003, 9835),
    syn(10000, U, 40001, 22),
    syn(20000, U, 42000, 10685),
    syn(21000, U, 42001, 6845),
    syn(22000, U, 42002, 6738),
    syn(23000, U, 42003, 9835),
    syn(24000, U, 40002, 22),
    syn(24500, U, 40002, 22),
    syn(25000, X, 50000, 22),
    syn(42000, U, 40004, 22),
    syn(44000, U, 40003, 22),
  ];
  return { ether1 };
}

export const knockCaptureBytes = (): Record<string, Uint8Array> => captureBytes(knockCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('port-knock', knockCaptures());
