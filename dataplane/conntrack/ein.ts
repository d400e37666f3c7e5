/**
 * Endpoint-independent NAT mappings (RouterOS `action=endpoint-independent-nat`, UDP only; ROUTEROS-FLOW.md
 * §4): a srcnat rule maps an internal `address:port` to one external `address:port` and reuses it for every
 * remote the host talks to (connection-nat-state `ein-snat`); a dstnat rule of the same action on the WAN
 * admits any remote to that external endpoint and sends it to the internal one (`ein-dnat`).
 *
 * A mapping lives while it is used: every connection that takes it refreshes its expiry to now +
 * `lifetime` (udp-stream-timeout: the mapping outlives its connections by at most that; RouterOS's mapping
 * lifetime is UNCONFIRMED, Linux has no endpoint-independent NAT). Expired
 * mappings are dropped when met. Mappings are made per new connection, never per packet, so two small Maps
 * (keys `address * 65536 + port`, exact in a double) index typed-array rows.
 */
export class EinMappings {
  private readonly byInt = new Map<number, number>();
  private readonly byExt = new Map<number, number>();
  private intAddr = new Float64Array(64);
  private intPort = new Uint16Array(64);
  private extAddr = new Float64Array(64);
  private extPort = new Uint16Array(64);
  private expires = new Float64Array(64);
  private readonly free: number[] = [];
  private used = 0;
  /** The last lookup's result (external for lookupInternal, internal for lookupExternal). */
  addr = 0;
  port = 0;

  get size(): number {
    return this.byInt.size;
  }

  /** The external endpoint of internal `addr:port` (into `this.addr/port`), refreshed; false if none. */
  lookupInternal(addr: number, port: number, now: number, lifetime: number): boolean {
    const i = this.live(this.byInt.get(addr * 65536 + port), now);
    if (i < 0) return false;
    this.expires[i] = now + lifetime;
    this.addr = this.extAddr[i]!;
    this.port = this.extPort[i]!;
    return true;
  }

  /** The internal endpoint behind external `addr:port` (into `this.addr/port`), refreshed; false if none. */
  lookupExternal(addr: number, port: number, now: number, lifetime: number): boolean {
    const i = this.live(this.byExt.get(addr * 65536 + port), now);
    if (i < 0) return false;
    this.expires[i] = now + lifetime;
    this.addr = this.intAddr[i]!;
    this.port = this.intPort[i]!;
    return true;
  }

  /** Record internal → external (unsigned addresses). */
  add(intAddr: number, intPort: number, extAddr: number, extPort: number, now: number, lifetime: number): void {
    let i = this.free.pop();
    if (i === undefined) {
      i = this.used++;
      if (i >= this.expires.length) this.grow();
    }
    this.intAddr[i] = intAddr;
    this.intPort[i] = intPort;
    this.extAddr[i] = extAddr;
    this.extPort[i] = extPort;
    this.expires[i] = now + lifetime;
    this.byInt.set(intAddr * 65536 + intPort, i);
    this.byExt.set(extAddr * 65536 + extPort, i);
  }

  private live(i: number | undefined, now: number): number {
    if (i === undefined) return -1;
    if (this.expires[i]! > now) return i;
    this.byInt.delete(this.intAddr[i]! * 65536 + this.intPort[i]!);
    this.byExt.delete(this.extAddr[i]! * 65536 + this.extPort[i]!);
    this.free.push(i);
    return -1;
  }

  private grow(): void {
    const n = this.expires.length * 2;
    const g = <T extends Float64Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.intAddr = g(this.intAddr, (k) => new Float64Array(k));
    this.intPort = g(this.intPort, (k) => new Uint16Array(k));
    this.extAddr = g(this.extAddr, (k) => new Float64Array(k));
    this.extPort = g(this.extPort, (k) => new Uint16Array(k));
    this.expires = g(this.expires, (k) => new Float64Array(k));
  }
}
