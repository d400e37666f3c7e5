/**
 * Menu schemas: `/user group` and `/user`, the console, API and REST accounts of the router.
 *
 * A fresh RouterOS router has the groups `read`, `write` and `full` and the user `admin` (group full, empty
 * password: the CHR and pre-7.10 default). Groups carry a policy list; the management servers
 * (control/api) read `read`, `write`, `api`, `rest-api` and `sensitive` from it. Passwords are stored hashed
 * (`password` type, control/store/password.ts) and never exported unless `show-sensitive` is asked for.
 *
 * UNCONFIRMED: the exact policy lists of the built-in groups (taken from v7 prints; `dude`, `tikapp` and
 * package-specific policies are left out) and that `admin` starts without a password (the CHR default).
 *
 * RouterOS does not put `/user` in `/export`; flowplane does (a config file is the only way to give a
 * router its accounts), with the password hidden unless `show-sensitive`.
 */
import { IP_ADDRESS_OR_PREFIX } from './ip';
import { list } from './interface';
import { menu, ref, str, type MenuSpec, type ValueType } from './schema';

/** Every RouterOS v7 user policy (`/user group add policy=`). */
export const USER_POLICIES: readonly string[] = [
  'local', 'telnet', 'ssh', 'ftp', 'reboot', 'read', 'write', 'policy', 'test', 'winbox', 'password', 'web', 'sniff', 'sensitive', 'api', 'romon', 'rest-api',
];

/** The built-in groups as RouterOS v7 prints them (`!x` = explicitly without x). */
export const DEFAULT_GROUPS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { name: 'read', policy: 'local,telnet,ssh,reboot,read,test,winbox,password,web,sniff,sensitive,api,romon,rest-api,!ftp,!write,!policy', skin: 'default' },
  { name: 'write', policy: 'local,telnet,ssh,reboot,read,write,test,winbox,password,web,sniff,sensitive,api,romon,rest-api,!ftp,!policy', skin: 'default' },
  { name: 'full', policy: 'local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,rest-api', skin: 'default' },
];

const policy: ValueType = { t: 'flags', values: USER_POLICIES, negItems: true };

const group = menu({
  path: '/user group',
  key: 'name',
  doc: 'User groups: the policies (rights) their users have',
  fixedItems: () => DEFAULT_GROUPS.map((g) => ({ ...g })),
  props: [
    { name: 'name', type: str(), required: true, doc: 'group name' },
    { name: 'policy', type: policy, default: '', doc: 'policies (read, write, api, rest-api, sensitive...; !x = without x)' },
    { name: 'skin', type: str(), default: 'default', doc: 'WebFig skin' },
  ],
  columns: ['name', 'policy', 'skin'],
});

const user = menu({
  path: '/user',
  key: 'name',
  doc: 'Router users (console, API, REST)',
  fixedItems: () => [{ name: 'admin', group: 'full' }],
  props: [
    { name: 'name', type: str(), required: true, doc: 'user name' },
    { name: 'group', type: ref('/user group'), required: true, doc: 'the group whose policies the user has' },
    { name: 'password', type: { t: 'password' }, default: '', doc: 'password (stored hashed)' },
    { name: 'address', type: list(IP_ADDRESS_OR_PREFIX), default: '', doc: 'prefixes the user may log in from (empty = any)' },
    { name: 'last-logged-in', type: str(), readOnly: true, doc: 'time of the last login' },
  ],
  columns: ['name', 'group', 'address', 'last-logged-in'],
});

export const MENUS: MenuSpec[] = [group, user];
