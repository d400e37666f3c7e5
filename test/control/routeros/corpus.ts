/** Access to the third-party corpus, read in place (never copied). */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CORPUS_RSC } from '../../corpus-path';

export const CORPUS = CORPUS_RSC;

export function corpusFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.rsc'))
    .sort();
}

export function readCorpus(name: string): string {
  return readFileSync(path.join(CORPUS, name), 'utf8');
}

/** Files whose wrapped lines were produced by RouterOS `/export` at 80 columns (not hand-wrapped or edited). */
export const EXPORT_WRAPPED = [
  'Im0nk3yar0und__mikrotik__firewall_bl&portKnocking.rsc',
  'Im0nk3yar0und__mikrotik__firewall_block_dos.rsc',
  'Im0nk3yar0und__mikrotik__firewall_port_scan_input.rsc',
  'Im0nk3yar0und__mikrotik__queue.rsc',
  'cameronm77__mikrotik__scripts_IPv6-Firewall-Filters.rsc',
  'cameronm77__mikrotik__scripts_IPv6-Firewall-RAW.rsc',
  'cameronm77__mikrotik__scripts_firewall.rsc',
  'cameronm77__mikrotik__scripts_nat.rsc',
  'cameronm77__mikrotik__scripts_raw.rsc',
  'cameronm77__mikrotik__scripts_rcqueue.rsc',
  'feichay10__Final-Degree-Project__config_devices_L3_MPLS_VPN_Internet_PE1.rsc',
  'feichay10__Final-Degree-Project__config_devices_complete_network_CE1_complete.rsc',
  'feichay10__Final-Degree-Project__config_devices_mpls_final_internet_nueva_version_PE1.rsc',
];

/** Groups of physical lines joined by continuations: the physical lines and the logical (joined) line. */
export function continuationGroups(text: string): { physical: string[]; logical: string; line: number }[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: { physical: string[]; logical: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/\\[ \t]*$/.test(lines[i]!) || lines[i]!.trimStart().startsWith('#')) continue;
    const physical = [lines[i]!];
    const line = i + 1;
    while (/\\[ \t]*$/.test(lines[i]!) && i + 1 < lines.length) physical.push(lines[++i]!);
    const logical = physical
      .map((l, k) => (k < physical.length - 1 ? l.replace(/\\[ \t]*$/, '') : l))
      .map((l, k) => (k > 0 ? l.replace(/^[ \t]+/, '') : l))
      .join('');
    out.push({ physical, logical, line });
  }
  return out;
}
