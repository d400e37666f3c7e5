/**
 * address-lists: static lists (host, prefix, range) and dynamic entries that expire on the router's clock.
 * VISITOR (198.51.100.23) is the attacker, 198.51.100.44 a slow, honest SSH user.
 *   0 ms    VISITOR SSH SYN #1            -> forwarded; VISITOR on ssh-stage1 until 1000
 *   300     VISITOR SSH SYN #2            -> on stage1: on ssh-black until 3300; forwarded
 *   600     VISITOR SSH SYN #3            -> black: dropped
 *   700     slow user SSH SYN #1          -> forwarded; on stage1 until 1700
 *   800     VISITOR SYN to port 80        -> black: dropped
 *   900     198.51.100.66 (host entry)    -> dropped
 *   1000    198.51.100.200 (in /25)       -> dropped
 *   1100    198.51.100.33 (in the range)  -> dropped
 *   1200    198.51.100.36 (past the range)-> forwarded
 *   2200    slow user SSH SYN #2          -> stage1 expired at 1700: forwarded, on stage1 again
 *   4000    VISITOR SSH SYN #4            -> black expired at 3300, stage1 at 1000: forwarded, stage1 again
 *   4300    VISITOR SSH SYN #5            -> on stage1: black again; forwarded
 *   4600    VISITOR SSH SYN #6            -> dropped
 * Times are real on the Linux side: every expiry is at least 500 ms from the frames around it.
 */
import { Story, tx, drop, type Scenario } from '../../harness/story';
import { A, VISITOR, fromWan, SYN_OPTS } from '../common';

const SLOW = '198.51.100.44';

export function scenario(): Scenario {
  const s = new Story();
  let id = 1;
  const syn = (src: string, sport: number, dport = 22) => fromWan().ipv4({ src, dst: A, id: id++ }).tcp({ sport, dport, flags: 'S', seq: sport, options: SYN_OPTS }).build();
  const fwd = (src: string, sport: number, dport = 22) => tx('ether2', `${src}.${sport} > ${A}.${dport}: Flags [S]`);
  s.at(0, 'ether1', syn(VISITOR, 40001), fwd(VISITOR, 40001), 'stage1');
  s.at(300, 'ether1', syn(VISITOR, 40002), fwd(VISITOR, 40002), 'black');
  s.at(600, 'ether1', syn(VISITOR, 40003), drop('firewall-drop'), 'blacklisted');
  s.at(700, 'ether1', syn(SLOW, 41001), fwd(SLOW, 41001), 'slow user stage1');
  s.at(800, 'ether1', syn(VISITOR, 40010, 80), drop('firewall-drop'), 'blacklisted, any port');
  s.at(900, 'ether1', syn('198.51.100.66', 40020, 80), drop('firewall-drop'), 'blocked host');
  s.at(1000, 'ether1', syn('198.51.100.200', 40021, 80), drop('firewall-drop'), 'blocked prefix');
  s.at(1100, 'ether1', syn('198.51.100.33', 40022, 80), drop('firewall-drop'), 'blocked range');
  s.at(1200, 'ether1', syn('198.51.100.36', 40023, 80), fwd('198.51.100.36', 40023, 80), 'past the range');
  s.at(2200, 'ether1', syn(SLOW, 41002), fwd(SLOW, 41002), 'stage1 expired');
  s.at(4000, 'ether1', syn(VISITOR, 40004), fwd(VISITOR, 40004), 'black expired');
  s.at(4300, 'ether1', syn(VISITOR, 40005), fwd(VISITOR, 40005), 'black again');
  s.at(4600, 'ether1', syn(VISITOR, 40006), drop('firewall-drop'), 'blacklisted again');
  return { name: 'address-lists', ports: ['ether1', 'ether2'], frames: s.frames, differences: [] };
}
