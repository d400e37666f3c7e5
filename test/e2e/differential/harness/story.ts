/**
 * A differential scenario's story: the input frames (built with pcap/fixture.ts), when and where they
 * enter, and what RouterOS semantics say must become of each — reasoned out by hand, so the suite can fail
 * when Linux and flowplane agree on something wrong (a mistyped nft rule, a config that does nothing).
 *
 * `want` names flowplane's final fate for the frame (`tx ether2`, `drop firewall-drop`, `local`...) and the
 * frames that must leave because of it, per interface, each as a substring of its one-line description
 * (dataplane/wire/describe.ts, tcpdump -n style with MACs). Linux is held to the same outputs; its own fate
 * (dropped or delivered locally) cannot be seen from the wires and is not compared.
 */
import type { FixtureFrame } from '../../../../pcap/fixture';

export interface Want {
  /** flowplane fate text (test/dataplane/flow/helpers.ts fateText). */
  fate: string;
  /** Every frame expected to leave because of this input: interface -> per frame, in order, the
   * substring(s) its description must contain. */
  out: Out;
}

/** Interface -> one entry per frame sent there: a substring, or several that must all be in it. */
export type Out = Record<string, (string | string[])[]>;

export interface StoryFrame {
  /** 0-based position in capture order. */
  index: number;
  iface: string;
  /** Milliseconds from the start of the story (distinct per frame: capture order is time order). */
  ms: number;
  frame: Uint8Array;
  note: string;
  want: Want;
}

/**
 * A difference between Linux and flowplane that is known and explained: a RouterOS behaviour plain Linux
 * does not have (`deviates: 'linux'`), or a flowplane choice or gap (`deviates: 'flowplane'`). The other side
 * is still held to the frame's `want`; the deviating side must send exactly `got` (interface -> one
 * substring per frame). So when the difference goes away or changes, the test says so and the entry (and
 * docs/differential.md) must be revisited.
 */
export interface KnownDifference {
  /** Index of the input frame. */
  frame: number;
  deviates: 'linux' | 'flowplane';
  got: Out;
  /** flowplane's fate when it is flowplane that deviates (default: want.fate). */
  fate?: string;
  why: string;
}

export interface Scenario {
  name: string;
  /** Router ports (interface names in config.rsc and in the Linux router namespace). */
  ports: string[];
  frames: StoryFrame[];
  differences: KnownDifference[];
}

/** Forwarded out `iface` as one frame whose description contains every `see`. */
export function tx(iface: string, ...see: string[]): Want {
  return { fate: `tx ${iface}`, out: { [iface]: [see] } };
}

/** Dropped with flowplane reason `reason`, nothing sent. */
export function drop(reason: string): Want {
  return { fate: `drop ${reason}`, out: {} };
}

/** Dropped (flowplane reason `reason`) with an answer sent out `iface` (reject). */
export function rejected(reason: string, iface: string, ...see: string[]): Want {
  return { fate: `drop ${reason}`, out: { [iface]: [see] } };
}

/** Delivered to the router; `answer` = [iface, ...substrings] of the one frame the router sends back, if any. */
export function local(answer?: [string, ...string[]]): Want {
  return { fate: 'local', out: answer ? { [answer[0]]: [answer.slice(1)] } : {} };
}

/**
 * Answered by the router in place (an echo reply, a reset for a closed port): flowplane's fate is then
 * `tx <iface>` of the answer, which contains every `see`.
 */
export function answered(iface: string, ...see: string[]): Want {
  return { fate: `tx ${iface}`, out: { [iface]: [see] } };
}

/** Builds a story: frames in time order. */
export class Story {
  readonly frames: StoryFrame[] = [];
  at(ms: number, iface: string, frame: Uint8Array, want: Want, note = ''): this {
    const last = this.frames[this.frames.length - 1];
    if (last && ms <= last.ms) throw new Error(`story: frame at ${ms} ms is not after the previous one (${last.ms} ms)`);
    this.frames.push({ index: this.frames.length, iface, ms, frame, note, want });
    return this;
  }
}

/** Capture start (UTC 2026-01-01 10:00:00); the Linux side keeps the relative times only. */
export const T0_MS = Date.UTC(2026, 0, 1, 10, 0, 0);

/** The story as one capture per interface (what flowplane replays; tcpreplay gets one frame at a time). */
export function capturesOf(s: Scenario): Record<string, FixtureFrame[]> {
  const out: Record<string, FixtureFrame[]> = {};
  for (const p of s.ports) out[p] = [];
  for (const f of s.frames) {
    const t = T0_MS + f.ms;
    out[f.iface]!.push({ frame: f.frame, tsSec: Math.floor(t / 1000), tsNsec: (t % 1000) * 1_000_000 });
  }
  return out;
}
