/**
 * Menu schemas: policy routing — `/routing table`, `/routing rule` (RouterOS v7).
 *
 * `main` is the implicit table (never in `/routing table`); references accept it as a literal word. A table
 * forwards only with the `fib` switch, which exports print bare: `add disabled=no fib name=vpn`. The parser
 * hands such a bare word over as a positional argument; the executor turns it into `fib=yes`.
 */
import { IFACE } from './interface';
import { bool, int, menu, oneOf, raw, ref, str, type MenuSpec } from './schema';

const table = menu({
  path: '/routing table',
  key: 'name',
  doc: 'Routing tables besides main (fib = install its routes for forwarding)',
  props: [
    { name: 'name', type: str(), required: true, doc: 'table name (used by routing-table, routing-mark, rules)' },
    { name: 'fib', type: bool(), default: 'no', doc: 'switch (written bare, `add fib name=x`): install routes of this table in the FIB' },
    { name: 'dynamic', type: bool(), readOnly: true },
    { name: 'invalid', type: bool(), readOnly: true },
  ],
  columns: ['name', 'fib'],
  unique: [['name']],
  check: (get) => (get('name') === 'main' ? ['routing table main already exists (built-in)'] : []),
});

/** IPv4 or IPv6 address or prefix (rules match either family). */
const anyPrefix = () =>
  raw(/^(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:\/\d{1,3})?)$/, 'an IPv4 or IPv6 address or prefix like 10.0.0.0/8');

const rule = menu({
  path: '/routing rule',
  ordered: true,
  doc: 'Policy routing rules, evaluated top-down before the main table',
  props: [
    { name: 'src-address', type: anyPrefix(), doc: 'source prefix to match' },
    { name: 'dst-address', type: anyPrefix(), doc: 'destination prefix to match' },
    { name: 'routing-mark', type: ref('/routing table', 'main'), doc: 'routing mark (set by mangle) to match' },
    { name: 'interface', type: IFACE(), doc: 'incoming interface to match' },
    { name: 'action', type: oneOf('lookup', 'lookup-only-in-table', 'drop', 'unreachable', 'mangle'), default: 'lookup', doc: 'lookup (fall through on miss), lookup-only-in-table, drop, unreachable' },
    { name: 'table', type: ref('/routing table', 'main', 'local'), doc: 'table to look up' },
    { name: 'min-prefix', type: int(0, 128), doc: 'hide routes with prefix length <= N (0 hides the default route)' },
    { name: 'chain', type: str(), doc: 'routing decision chain (unset = user)' },
    { name: 'inactive', type: bool(), readOnly: true },
  ],
  columns: ['src-address', 'dst-address', 'routing-mark', 'interface', 'action', 'table'],
});

export const MENUS: MenuSpec[] = [table, rule];
