/**
 * A router's `/log`: RouterOS memory logging — a bounded ring of lines (`/system logging action` memory's
 * `memory-lines`, 1000 by default), oldest dropped first, each with a time, topics (`firewall,info`,
 * `script,info`, `system,warning`) and a message. One per RouterInstance (no global log: several routers share
 * a process). The flow writes firewall lines into it through dataplane/log-sink.ts; config loads write script
 * `:log` lines and warnings. `/log print` in the console shows it (`format`).
 */
import type { LogSink } from '../../dataplane/log-sink';

export interface LogEntry {
  /** Seconds since the epoch (the flow's clock: the capture clock in replay; 0 before any packet). */
  time: number;
  topics: string;
  message: string;
}

export const MEMORY_LINES = 1000;

export class RouterLog implements LogSink {
  private ring: LogEntry[] = [];
  private head = 0;

  constructor(private lines = MEMORY_LINES) {}

  /** Change the ring's size (`memory-lines`); the newest lines are kept. */
  setLines(n: number): void {
    const all = this.entries();
    this.lines = Math.max(1, Math.floor(n));
    this.ring = all.slice(-this.lines);
    this.head = 0;
  }

  log(time: number, topics: string, message: string): void {
    const e = { time, topics, message };
    if (this.ring.length < this.lines) this.ring.push(e);
    else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % this.lines;
    }
  }

  /** Entries, oldest first. */
  entries(): LogEntry[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  /**
   * `/log print`: TIME (UTC `YYYY-MM-DD HH:MM:SS`), TOPICS, MESSAGE, one line per entry; `topics` filters
   * like `where topics~"firewall"` (a regular expression over the topics text).
   */
  format(topics?: RegExp): string {
    const rows = this.entries().filter((e) => topics === undefined || topics.test(e.topics));
    const time = (t: number): string => new Date(Math.floor(t) * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const w = Math.max(6, ...rows.map((e) => e.topics.length));
    const lines = [` ${'TIME'.padEnd(19)}  ${'TOPICS'.padEnd(w)}  MESSAGE`];
    for (const e of rows) lines.push(` ${time(e.time)}  ${e.topics.padEnd(w)}  ${e.message}`);
    return lines.join('\n');
  }
}
