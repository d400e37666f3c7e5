/**
 * Words the syntax layer needs to know before menu schemas exist.
 *
 * RouterOS decides whether a word after a path is a submenu or a command from its menu tree. Until the menu
 * schemas (control/menus) provide that tree through `ParseOptions.isCommand`, the parser uses these lists:
 * the first word of a head like `/ip firewall filter add` that is a known verb ends the path. If none is a
 * known verb, the last word is the verb when arguments follow, and the whole head is a menu change otherwise.
 */

/** Commands that appear in menus (`/ip address add`, `/system reboot`, `/terminal style`...). */
export const DEFAULT_VERBS: ReadonlySet<string> = new Set([
  'add',
  'set',
  'remove',
  'print',
  'export',
  'import',
  'find',
  'get',
  'enable',
  'disable',
  'move',
  'comment',
  'edit',
  'unset',
  'reset',
  'reset-counters',
  'reset-counters-all',
  'reset-configuration',
  'reset-mac-address',
  'monitor',
  'monitor-traffic',
  'make-static',
  'release',
  'renew',
  'flush',
  'save',
  'load',
  'quit',
  'run',
  'reboot',
  'shutdown',
  'ping',
  'traceroute',
  'fetch',
  'install',
  'check-for-updates',
  'download',
  'upgrade',
  'cancel',
  'blink',
  'sign',
  'scan',
  'style',
  'cuu',
  'el',
  'inkey',
  'undo',
  'redo',
  'password',
  'sniff',
  'torch',
  'bandwidth-test',
  'send',
  'generate-key',
  'check-installation',
  'downgrade',
  'uninstall',
]);

/** Verbs whose first positional argument selects existing items (`set ether1 ...`, `remove [find ...]`). */
export const ITEM_VERBS: ReadonlySet<string> = new Set([
  'set',
  'remove',
  'enable',
  'disable',
  'get',
  'move',
  'comment',
  'unset',
  'edit',
  'reset-counters',
  'make-static',
  'monitor',
  'blink',
  'reset',
  'reset-mac-address',
  'release',
  'renew',
  // /metarouter start|shut-down|reboot <guest>
  'start',
  'shut-down',
  'reboot',
]);

/** Verbs in which a bare `!name` argument unsets a property. */
export const UNSET_VERBS: ReadonlySet<string> = new Set(['set', 'add', 'edit']);

/** Global commands (`:local`, `:if`, ...). */
export const SCRIPT_COMMANDS: ReadonlySet<string> = new Set([
  'beep',
  'blink',
  'convert',
  'delay',
  'deserialize',
  'do',
  'environment',
  'error',
  'execute',
  'find',
  'for',
  'foreach',
  'global',
  'grep',
  'if',
  'jobname',
  'led',
  'len',
  'local',
  'log',
  'nothing',
  'onerror',
  'parse',
  'pick',
  'put',
  'resolve',
  'retry',
  'return',
  'rndnum',
  'rndstr',
  'serialize',
  'set',
  'terminal',
  'time',
  'timestamp',
  'toarray',
  'tobool',
  'tocrlf',
  'toid',
  'toip',
  'toip6',
  'tonsec',
  'tonum',
  'tostr',
  'totime',
  'typeof',
  'while',
]);

/** Global commands recognised without `:` in any menu (no menu has a command of that name). */
export const BARE_GLOBALS_ANYWHERE: ReadonlySet<string> = new Set([
  'do',
  'if',
  'for',
  'foreach',
  'while',
  'local',
  'global',
  'put',
  'delay',
  'error',
  'return',
  'retry',
  'onerror',
]);

/** Global commands recognised without `:` at the root menu (the root has no menu command of that name). */
export const BARE_GLOBALS_AT_ROOT: ReadonlySet<string> = new Set(
  [...SCRIPT_COMMANDS].filter((c) => c !== 'log' && c !== 'terminal' && c !== 'environment' && c !== 'find'),
);

/** Named arguments that take code blocks. */
export const CODE_PROPS: ReadonlySet<string> = new Set(['do', 'else', 'on-error']);

/** Arguments accepted by the control-flow commands (checked by the parser). */
export const CONTROL_PROPS: Readonly<Record<string, readonly string[]>> = {
  if: ['do', 'else'],
  while: ['do'],
  foreach: ['in', 'do'],
  for: ['from', 'to', 'step', 'do'],
  do: ['do', 'while', 'on-error'],
  local: ['do'],
  global: ['do'],
  set: ['do'],
};
