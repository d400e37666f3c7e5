/**
 * Ansible's `community.routeros` collection (Debian's `ansible` package), unchanged, against the binary API:
 * add, query with WHERE, update, and `api_info` — the way network teams automate RouterOS.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { apiServer, router } from './helpers';
import { haveTool, librouterosPython, withTool } from './tools';

const run = promisify(execFile);
const python = librouterosPython();
const ansible = haveTool('ansible-playbook', ['--version']) && python !== undefined;

const PLAYBOOK = (port: number, py: string) => `
- hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: ${py}
    conn: &conn
      hostname: 127.0.0.1
      port: ${port}
      username: api
      password: secret
      tls: false
  tasks:
    - community.routeros.api:
        <<: *conn
        path: ip firewall address-list
        add: list=ansible address=10.9.9.9 comment=by-ansible
    - community.routeros.api:
        <<: *conn
        path: ip firewall address-list
        query: .id address comment list WHERE list == ansible
      register: q
    - ansible.builtin.assert:
        that:
          - q.msg | length == 1
          - q.msg[0].address == '10.9.9.9'
          - q.msg[0].comment == 'by-ansible'
    - community.routeros.api:
        <<: *conn
        path: ip firewall address-list
        update: .id={{ q.msg[0]['.id'] }} comment=updated
    - community.routeros.api_info:
        <<: *conn
        path: ip firewall address-list
      register: info
    - ansible.builtin.assert:
        that:
          - info.result | selectattr('list', 'equalto', 'ansible') | map(attribute='comment') | list == ['updated']
`;

describe('ansible community.routeros', () => {
  withTool(ansible, 'ansible (Debian package) and python3-librouteros')('api add, query, update and api_info', async () => {
    const r = router();
    const { server, port } = await apiServer(r);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-ansible-'));
    try {
      fs.writeFileSync(path.join(dir, 'pb.yml'), PLAYBOOK(port, python!));
      const res = await run('ansible-playbook', ['-c', 'local', '-i', 'localhost,', path.join(dir, 'pb.yml')], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'), ANSIBLE_NOCOLOR: '1' },
      }).catch((e: { stdout: string; stderr: string }) => ({ stdout: e.stdout, stderr: e.stderr }));
      expect(res.stdout).toMatch(/failed=0/);
      const t = r.store.table('/ip firewall address-list')!;
      const item = t.items.find((i) => i.values.get('list') === 'ansible')!;
      expect(item.values.get('address')).toBe('10.9.9.9');
      expect(item.values.get('comment')).toBe('updated');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
