/**
 * The next-hop group table: what a FIB entry points at. A FIB (DIR-24-8 or any other) stores a group id per
 * prefix; the group says what to do with a packet that matched: forward it over one of its hops (ECMP: the
 * hop is picked by the flow hash), drop it (blackhole), answer ICMP unreachable / prohibited, deliver it to
 * the router (local), treat it as a subnet broadcast, or look the destination up again in another table
 * (a VRF used as a gateway).
 *
 * Groups are shared by every table and deduplicated by content, so identical next hops get one id. Id 0 is
 * reserved: "no route" (the DIR-24-8 FIB uses 0 for an empty entry). Ids are given in the order groups are
 * first asked for, which the route compiler keeps deterministic (tables by name, prefixes in order).
 *
 * Layout for the dataplane (struct of arrays, indexed by group id, then by hop):
 *   kind[id]        NH_KIND code
 *   hopStart[id]    first hop of the group in the hop arrays
 *   hopCount[id]    number of hops (0 for non-forwarding kinds)
 *   prefSrc[id]     preferred source address for packets the router sends this way (0 = none)
 *   lookupTable[id] table index for kind 'lookup', else -1
 *   hopIfIndex[h]   interface index (control/compile/interfaces.ts)
 *   hopGateway[h]   next-hop address; 0 = directly connected: resolve the packet's own destination (ARP)
 */

export type NextHopKind = 'none' | 'forward' | 'blackhole' | 'unreachable' | 'prohibit' | 'local' | 'broadcast' | 'lookup';

/** Numeric codes of the kinds, as `NextHopTable.kind` holds them. */
export const NH_KIND: Readonly<Record<NextHopKind, number>> = {
  none: 0,
  forward: 1,
  blackhole: 2,
  unreachable: 3,
  prohibit: 4,
  local: 5,
  broadcast: 6,
  lookup: 7,
};

export interface NextHop {
  /** Interface index. */
  readonly ifIndex: number;
  /** Next-hop IPv4 address as uint32; 0 = on-link (ARP for the packet's destination). */
  readonly gateway: number;
}

export interface NextHopGroup {
  readonly id: number;
  readonly kind: NextHopKind;
  /** Hops in route order ('forward': 1..ECMP_MAX_HOPS; 'local'/'broadcast': the interface holding the address). */
  readonly hops: readonly NextHop[];
  /** Preferred source (uint32), 0 = none. */
  readonly prefSrc: number;
  /** 'lookup': index of the table to look the destination up in; -1 otherwise. */
  readonly table: number;
}

export interface NextHopTable {
  /** Groups by id; `groups[0]` is the reserved 'none'. */
  readonly groups: readonly NextHopGroup[];
  readonly kind: Uint8Array;
  readonly hopStart: Uint32Array;
  readonly hopCount: Uint8Array;
  readonly prefSrc: Uint32Array;
  readonly lookupTable: Int32Array;
  readonly hopIfIndex: Int32Array;
  readonly hopGateway: Uint32Array;
}

/** Most hops one group holds (ECMP width). RouterOS documents no limit; 16 is flowplane's (see README). */
export const ECMP_MAX_HOPS = 16;

/** Interns groups while routes are compiled; `finish()` lays them out as typed arrays. */
export class NextHopTableBuilder {
  private readonly groups: NextHopGroup[] = [{ id: 0, kind: 'none', hops: [], prefSrc: 0, table: -1 }];
  private readonly byKey = new Map<string, number>();

  /** The id of the group with this content (made on first use). */
  intern(kind: NextHopKind, hops: readonly NextHop[], prefSrc = 0, table = -1): number {
    const kept = hops.slice(0, ECMP_MAX_HOPS);
    const key = `${kind}|${prefSrc >>> 0}|${table}|${kept.map((h) => `${h.ifIndex}:${h.gateway >>> 0}`).join(',')}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.groups.length;
      this.groups.push({ id, kind, hops: kept.map((h) => ({ ifIndex: h.ifIndex, gateway: h.gateway >>> 0 })), prefSrc: prefSrc >>> 0, table });
      this.byKey.set(key, id);
    }
    return id;
  }

  finish(): NextHopTable {
    const n = this.groups.length;
    const hopTotal = this.groups.reduce((s, g) => s + g.hops.length, 0);
    const t = {
      groups: this.groups,
      kind: new Uint8Array(n),
      hopStart: new Uint32Array(n),
      hopCount: new Uint8Array(n),
      prefSrc: new Uint32Array(n),
      lookupTable: new Int32Array(n),
      hopIfIndex: new Int32Array(hopTotal),
      hopGateway: new Uint32Array(hopTotal),
    };
    let h = 0;
    for (const g of this.groups) {
      t.kind[g.id] = NH_KIND[g.kind];
      t.hopStart[g.id] = h;
      t.hopCount[g.id] = g.hops.length;
      t.prefSrc[g.id] = g.prefSrc;
      t.lookupTable[g.id] = g.table;
      for (const hop of g.hops) {
        t.hopIfIndex[h] = hop.ifIndex;
        t.hopGateway[h] = hop.gateway;
        h++;
      }
    }
    return t;
  }
}
