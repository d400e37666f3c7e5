/**
 * Firewall rule sets for benchmarks: `n` forward rules that a benchmark's packets never match — a mix of the
 * kinds real rule sets repeat (TCP destination ports, /32 source blocks, UDP ports on one interface, a
 * protocol on another interface) — then one accept rule. The caller names what its packets are not.
 */
export interface NonMatching {
  /** First two octets of the blocked source addresses (`203.0`). */
  srcPrefix: string;
  /** Interface of the UDP port rules. */
  udpIf: string;
  /** Interface and protocol of the last kind of rule. */
  otherIf: string;
  otherProto: 'tcp' | 'udp';
}

export function nonMatchingRules(n: number, not: NonMatching): string {
  const lines: string[] = ['/ip firewall filter'];
  for (let k = 0; k < n; k++) {
    switch (k % 4) {
      case 0:
        lines.push(`add chain=forward action=drop protocol=tcp dst-port=${10000 + k}`);
        break;
      case 1:
        lines.push(`add chain=forward action=drop src-address=${not.srcPrefix}.${k >> 8}.${k & 255}`);
        break;
      case 2:
        lines.push(`add chain=forward action=drop protocol=udp dst-port=${20000 + k} in-interface=${not.udpIf}`);
        break;
      default:
        lines.push(`add chain=forward action=drop in-interface=${not.otherIf} protocol=${not.otherProto}`);
    }
  }
  lines.push('add chain=forward action=accept');
  return lines.join('\n') + '\n';
}
