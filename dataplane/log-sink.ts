/**
 * Where a flow's log lines go: RouterOS `/log` (topics such as `firewall,info`). The dataplane only knows
 * this interface — the router instance's memory log (control/instance/log.ts) implements it and the command
 * that builds the flow hands it over (FlowOptions.log); no global log, each router has its own.
 * Called off the packet path only (a `log=yes` rule matched), with the flow's clock.
 */
export interface LogSink {
  /** `time`: the flow clock, seconds (capture clock in replay); `topics`: comma-separated, e.g. `firewall,info`. */
  log(time: number, topics: string, message: string): void;
}
