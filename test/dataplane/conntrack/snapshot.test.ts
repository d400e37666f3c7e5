import { ConnTable, CtStatus, ctPorts } from '../../../dataplane/conntrack/table';
import { CS, connRowId, connSnapshot, removeConnection } from '../../../dataplane/conntrack/snapshot';

const UDP = 17;
const A = 0x0a000001 | 0; // 10.0.0.1
const B = 0x08080808 | 0; // 8.8.8.8
const NAT = 0xc6336401 | 0; // 198.51.100.1

describe('connection table snapshots (/ip firewall connection)', () => {
  test('one row per confirmed live connection: tuples after NAT, status, counters, seconds left', () => {
    const t = new ConnTable({ maxEntries: 8 });
    const id = t.alloc(A, B, ctPorts(40000, 53), UDP, 10, 30);
    t.setReply(id, B, NAT, ctPorts(53, 1025));
    t.status[id] = t.status[id]! | CtStatus.SRCNAT;
    t.confirm(id);
    t.packets[id * 2] = 3;
    t.bytes[id * 2 + 1] = 99;
    t.alloc(A, B, ctPorts(40001, 53), UDP, 10, 30); // unconfirmed: not listed
    const s = connSnapshot(t, 15);
    expect(s.length).toBe(CS.COUNT);
    expect(s[CS.ID]).toBe(t.serial[id]);
    expect(s[CS.O_SRC]).toBe(A >>> 0);
    expect(s[CS.O_PORTS]).toBe(ctPorts(40000, 53) >>> 0);
    expect(s[CS.R_DST]).toBe(NAT >>> 0);
    expect(s[CS.R_PORTS]).toBe(ctPorts(53, 1025) >>> 0);
    expect(s[CS.STATUS]! & CtStatus.SRCNAT).toBeTruthy();
    expect(s[CS.TIMEOUT]).toBe(25);
    expect(s[CS.O_PACKETS]).toBe(3);
    expect(s[CS.R_BYTES]).toBe(99);
    // expired at 40: gone from the snapshot even before the sweep
    expect(connSnapshot(t, 40).length).toBe(0);
  });

  test('ids stay unique when entries are reused, and across workers; remove finds only its own', () => {
    const t = new ConnTable({ maxEntries: 1 });
    const a = t.alloc(A, B, ctPorts(1, 2), UDP, 0, 30);
    t.confirm(a);
    const first = connSnapshot(t, 1)[CS.ID]!;
    t.remove(a);
    const b = t.alloc(A, B, ctPorts(3, 4), UDP, 0, 30);
    expect(b).toBe(a); // the same entry
    t.confirm(b);
    const second = connSnapshot(t, 1)[CS.ID]!;
    expect(second).not.toBe(first);
    // worker 1 of 2 names it serial * 2 + 1; worker 0's id for the same serial is not its
    expect(connSnapshot(t, 1, 2, 1)[CS.ID]).toBe(connRowId(t.serial[b]!, 2, 1));
    expect(removeConnection(t, connRowId(t.serial[b]!, 2, 0), 2, 1)).toBe(false);
    expect(removeConnection(t, first)).toBe(false);
    expect(t.confirmed).toBe(1);
    expect(removeConnection(t, second)).toBe(true);
    expect(t.confirmed).toBe(0);
    expect(connSnapshot(t, 1).length).toBe(0);
  });
});
