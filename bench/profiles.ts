/**
 * The traffic profiles of `flowplane bench`: a RouterOS config, the frames that make up the timed traffic
 * (and the port each arrives on), what the config cannot say (a 1M-prefix FIB, 10k learned MACs), and how to
 * establish state before timing (the answers that confirm masqueraded connections). They are the setups of the
 * end-to-end micro-benchmarks (bench/micro/flow-*.ts) in a form one thread or many can run: every worker
 * builds its own flow from the profile and primes its own share of the connections.
 *
 * Profiles are plain data plus pure functions of their arguments, so a worker thread reconstructs the same
 * profile from its name (and the same config text) as the main thread.
 */
import type { Generation } from '../control/compile/generation';
import type { Flow } from '../dataplane/flow';
import { frame } from '../pcap/fixture';
import { internetPrefixes, addressesInPrefixes } from './gen/internet-prefixes';
import { CONFIG as ROUTED } from './micro/flow-routed';
import { CONFIG as BRIDGED } from './micro/flow-bridged';
import { BASE as SOHO_BASE, defconf, hostIp as sohoIp, hostMac as sohoMac, FLOWS as SOHO_FLOWS } from './micro/flow-firewall';
import { config as queuesConfig, hostIp as queueIp } from './micro/flow-queues';

export const PROFILES = ['l2', 'l3', 'l3-1m-routes', 'soho', 'soho-fasttrack', 'isp-queues'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** The timed traffic: frames and the port (by name) each one arrives on. */
export interface Traffic {
  frames: Uint8Array[];
  ports: string[];
}

export interface Profile {
  name: string;
  label: string;
  config: string;
  traffic(): Traffic;
  /** Tables the config cannot express, filled into each flow (and its generation) before priming. */
  prepare?(flow: Flow, gen: Generation): void;
  /**
   * The answer to a frame the flow sent while priming (a server's reply to a masqueraded connection), or
   * null. Answers are fed back once, so stateful profiles time established connections.
   */
  answer?(sent: Uint8Array): Uint8Array | null;
  /** The port answers arrive on. */
  answerPort?: string;
  /** The clock advances 1 µs per vector (queues release packets as time passes). */
  clock?: boolean;
  /** Every timed frame should be transmitted (the bench reports any shortfall). */
  allForwarded: boolean;
}

const PAYLOAD = new Uint8Array(18); // 14 + 20 + 8 + 18 = 60 bytes + FCS: 64-byte frames

function l3Profile(name: 'l3' | 'l3-1m-routes'): Profile {
  const prefixes = name === 'l3' ? 0 : 1_000_000;
  let pfx: { nets: Uint32Array; lens: Uint8Array } | null = null;
  const nets = () => (pfx ??= internetPrefixes(prefixes, 1));
  return {
    name,
    label: prefixes ? 'routed, 1M-prefix FIB (Internet-like lengths), 64k destinations' : 'routed, default route, 4k destinations',
    config: ROUTED,
    traffic() {
      const n = prefixes ? 65536 : 4096;
      const dsts = prefixes ? addressesInPrefixes(nets().nets, nets().lens, n, 2) : Uint32Array.from({ length: n }, (_, i) => (0x01000000 + i * 7919) >>> 0);
      const frames: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const d = dsts[i]!;
        frames.push(
          frame()
            .eth({ src: '02:00:00:0a:00:0a', dst: '02:00:00:00:01:01' })
            .ipv4({ src: '10.0.1.10', dst: `${d >>> 24}.${(d >>> 16) & 255}.${(d >>> 8) & 255}.${d & 255}`, ttl: 64 })
            .udp({ sport: 1000 + (i & 0x3fff), dport: 2000 })
            .payload(PAYLOAD)
            .build(),
        );
      }
      return { frames, ports: frames.map(() => 'ether1') };
    },
    prepare: prefixes
      ? (_flow, gen) => {
          const fib = gen.fibs[gen.mainTable]!;
          const via = fib.lookup(0x08080808);
          const { nets: ns, lens } = nets();
          const keep: [number, number, number][] = [];
          fib.forEachRoute((net, len, hop) => keep.push([net, len, hop]));
          fib.build(ns, lens, new Uint32Array(prefixes).fill(via));
          for (const [net, len, hop] of keep) fib.insert(net, len, hop);
        }
      : undefined,
    allForwarded: true,
  };
}

const L2_HOSTS = 5000;

function l2Profile(): Profile {
  return {
    name: 'l2',
    label: 'bridged between two ports, 10k learned MACs',
    config: BRIDGED,
    traffic() {
      const frames: Uint8Array[] = [];
      for (let k = 0; k < L2_HOSTS; k++) {
        const hl = `${(k >>> 8).toString(16).padStart(2, '0')}:${(k & 255).toString(16).padStart(2, '0')}`;
        frames.push(
          frame()
            .eth({ src: `02:aa:00:00:${hl}`, dst: `02:bb:00:00:${hl}` })
            .ipv4({ src: '192.168.88.10', dst: '192.168.88.20', ttl: 64 })
            .udp({ sport: 1000 + k, dport: 2000 })
            .payload(PAYLOAD)
            .build(),
        );
      }
      return { frames, ports: frames.map(() => 'ether2') };
    },
    prepare(flow, gen) {
      const fdb = flow.state.fdbs[0]!;
      const e2 = gen.portNames.indexOf('ether2');
      const e3 = gen.portNames.indexOf('ether3');
      for (let k = 0; k < L2_HOSTS; k++) {
        fdb.learn(0x02aa, k, 0, e2, 1000);
        fdb.learn(0x02bb, k, 0, e3, 1000);
      }
    },
    allForwarded: true,
  };
}

function sohoProfile(fasttrack: boolean): Profile {
  return {
    name: fasttrack ? 'soho-fasttrack' : 'soho',
    label: `RouterOS defconf firewall + masquerade, 10k established connections${fasttrack ? ', FastTrack' : ''}`,
    config: SOHO_BASE + defconf(fasttrack),
    traffic() {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < SOHO_FLOWS; i++) {
        const h = i % 200;
        frames.push(
          frame()
            .eth({ src: sohoMac(h), dst: '02:00:00:00:02:01' })
            .ipv4({ src: sohoIp(h), dst: `198.51.100.${1 + (i % 250)}`, id: i, ttl: 64 })
            .udp({ sport: 10000 + Math.floor(i / 200), dport: 5000 })
            .payload(PAYLOAD)
            .build(),
        );
      }
      return { frames, ports: frames.map(() => 'ether2') };
    },
    answer(f) {
      // masqueraded to 203.0.113.2: the server answers the translated port
      if (f.length < 42 || f[12] !== 0x08 || f[13] !== 0x00 || ((f[26]! << 24) | (f[27]! << 16) | (f[28]! << 8) | f[29]!) >>> 0 !== 0xcb007102) return null;
      return frame()
        .eth({ src: '02:00:00:00:01:fe', dst: '02:00:00:00:01:01' })
        .ipv4({ src: `${f[30]}.${f[31]}.${f[32]}.${f[33]}`, dst: '203.0.113.2', id: 1 })
        .udp({ sport: 5000, dport: (f[34]! << 8) | f[35]! })
        .payload(PAYLOAD)
        .build();
    },
    answerPort: 'ether1',
    allForwarded: true,
  };
}

const QUEUE_HOSTS = 10_000;

function queuesProfile(): Profile {
  return {
    name: 'isp-queues',
    label: 'routed, 10k simple queues (100M each)',
    config: queuesConfig(QUEUE_HOSTS),
    traffic() {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < QUEUE_HOSTS; i++) {
        frames.push(
          frame()
            .eth({ src: '02:00:00:01:00:01', dst: '02:00:00:00:02:01' })
            .ipv4({ src: queueIp(i + 2), dst: `198.51.100.${1 + (i % 250)}`, id: i, ttl: 64 })
            .udp({ sport: 10000, dport: 5000 })
            .payload(PAYLOAD)
            .build(),
        );
      }
      return { frames, ports: frames.map(() => 'ether2') };
    },
    clock: true,
    allForwarded: true,
  };
}

/** A profile by name (throws on an unknown one: the CLI checks first). */
export function profile(name: string): Profile {
  switch (name) {
    case 'l2':
      return l2Profile();
    case 'l3':
    case 'l3-1m-routes':
      return l3Profile(name);
    case 'soho':
    case 'soho-fasttrack':
      return sohoProfile(name === 'soho-fasttrack');
    case 'isp-queues':
      return queuesProfile();
    default:
      throw new Error(`unknown profile ${name} (one of ${PROFILES.join(', ')})`);
  }
}
