/**
 * What the firewall part of the flow reads from a compiled configuration: the four IPv4 tables, interface-list
 * membership, and the connection-tracking settings (`/ip firewall connection tracking`). control/compile/
 * firewall.ts produces it (a structural match: the dataplane imports nothing from the control plane).
 */
import type { FwTable } from './rules';

/** `/ip firewall connection tracking enabled=`. */
export const CtEnabled = { AUTO: 0, YES: 1, NO: 2 } as const;

export interface ConntrackSettings {
  /** CtEnabled code. `auto` tracks once any firewall rule exists. */
  readonly enabled: number;
  /** TCP timeouts by conntrack state (conntrack/tcp-state.ts tcpTimeoutTable), seconds. */
  readonly tcpTimeouts: Float64Array;
  readonly udpTimeout: number;
  readonly udpStreamTimeout: number;
  readonly icmpTimeout: number;
  readonly genericTimeout: number;
  /** loose-tcp-tracking: pick up connections whose SYN was not seen. */
  readonly looseTcp: boolean;
  /** liberal-tcp-tracking: window checks never make a segment invalid (an out-of-window RST still is). */
  readonly liberalTcp: boolean;
  /** tcp-max-retrans-timeout / tcp-unacked-timeout (seconds): caps while retransmitting / data unacked. */
  readonly tcpMaxRetransTimeout: number;
  readonly tcpUnackedTimeout: number;
  /** `/ip firewall service-port ftp` ports as [lo, hi] pairs (empty: the helper is disabled). */
  readonly ftpPorts: Uint16Array;
  /** `/ip firewall service-port tftp` ports as lo, hi pairs (empty: the helper is off). */
  readonly tftpPorts?: Uint16Array;
  /** Table size (RouterOS max-entries; RAM based there, a fixed default here). */
  readonly maxEntries: number;
}

export interface FirewallTables {
  readonly raw: FwTable;
  readonly filter: FwTable;
  readonly mangle: FwTable;
  readonly nat: FwTable;
  /** Interface-list membership `[list * ifCount + ifIndex]`. */
  readonly ifLists: Uint8Array;
  readonly ifCount: number;
  /** Configured address-list entries (list id, unsigned first/last address, timeout seconds or Infinity). */
  readonly staticAddresses: readonly { readonly list: number; readonly lo: number; readonly hi: number; readonly timeout: number }[];
  /** `/ip firewall layer7-protocol` regexps, by the index rules' `l7` column holds. */
  readonly layer7: readonly string[];
  /** Any rule in any table. */
  readonly anyRule: boolean;
  readonly conntrack: ConntrackSettings;
}

/** Is connection tracking on for this configuration? */
export function conntrackOn(fw: FirewallTables): boolean {
  return fw.conntrack.enabled === CtEnabled.YES || (fw.conntrack.enabled === CtEnabled.AUTO && fw.anyRule);
}
