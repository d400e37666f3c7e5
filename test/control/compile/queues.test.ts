/**
 * control/compile/queues.ts: `/queue type|simple|tree|interface` compiled into QueueTables — classes and
 * their HTB parameters, simple-queue classification, tree leaves by packet mark, warnings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generationFrom } from '../../dataplane/flow/helpers';
import { QKind, PcqBy } from '../../../dataplane/queue/spec';
import { CORPUS_ROOT } from '../../corpus-path';

const ip = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0) | 0;

describe('compile: queues', () => {
  it('simple queues: upload/download classes with their pairs, parents and totals', () => {
    const g = generationFrom(`/queue simple
add name=office target=192.168.88.0/24 max-limit=20M/50M
add name=boss target=192.168.88.10/32 parent=office limit-at=1M/2M max-limit=5M/10M priority=1/2 burst-limit=8M/16M burst-threshold=4M/8M burst-time=16s/8s bucket-size=0.5/1 queue=pcq-upload-default/pcq-download-default
add name=guest target=192.168.88.200/32 total-max-limit=3M
add name=off target=192.168.88.201/32 disabled=yes
`);
    const s = g.queues.simple!;
    expect(s).not.toBeNull();
    const c = s.sched.classes;
    const byName = new Map(c.map((x, i) => [x.name, i]));
    const boss = c[byName.get('boss upload')!]!;
    expect(boss).toMatchObject({ limitAt: 1e6, maxLimit: 5e6, priority: 1, bucketSize: 0.5, burstLimit: 8e6, burstThreshold: 4e6, burstTime: 16 });
    expect(c[byName.get('boss download')!]).toMatchObject({ limitAt: 2e6, maxLimit: 10e6, priority: 2, bucketSize: 1, burstTime: 8 });
    // parent links: boss's classes hang under office's
    expect(boss.parent).toBe(byName.get('office upload'));
    expect(c[byName.get('boss download')!]!.parent).toBe(byName.get('office download'));
    expect(c[byName.get('office upload')!]!.parent).toBe(-1);
    // queue types by name
    expect(g.queues.types[boss.queueType]!.name).toBe('pcq-upload-default');
    expect(g.queues.types[boss.queueType]!.pcq!.classifier).toBe(PcqBy.SRC_ADDRESS);
    // total-* makes a class above both directions
    const total = byName.get('guest total')!;
    expect(c[total]!.maxLimit).toBe(3e6);
    expect(c[byName.get('guest upload')!]!.parent).toBe(total);
    expect(c[byName.get('guest download')!]!.parent).toBe(total);
    // disabled queues are left out
    expect(byName.has('off upload')).toBe(false);
    // classification: office is a parent (inner class), so its leaf boss takes .10, nothing takes .11
    expect(s.classify(ip('192.168.88.10'), ip('1.1.1.1'), -1, -1, 0, 0)).toBe(byName.get('boss upload'));
    expect(s.classify(ip('1.1.1.1'), ip('192.168.88.10'), -1, -1, 0, 0)).toBe(byName.get('boss download'));
    expect(s.classify(ip('192.168.88.11'), ip('1.1.1.1'), -1, -1, 0, 0)).toBe(-1);
    expect(s.classify(ip('192.168.88.200'), ip('1.1.1.1'), -1, -1, 0, 0)).toBe(byName.get('guest upload'));
  });

  it('queue trees: global and interface roots, leaves by packet mark, no-mark, warnings', () => {
    const g = generationFrom(`/ip firewall mangle
add chain=forward action=mark-packet new-packet-mark=voip passthrough=no
add chain=forward action=mark-packet new-packet-mark=bulk passthrough=no
/queue tree
add name=all parent=global max-limit=10M
add name=voip parent=all packet-mark=voip priority=1 limit-at=1M max-limit=10M
add name=rest parent=all packet-mark=bulk,no-mark priority=8 max-limit=10M
add name=up parent=ether1 max-limit=5M
add name=up-bulk parent=up packet-mark=bulk
add name=ghost parent=nowhere packet-mark=voip
`);
    const q = g.queues;
    const gl = q.global!;
    const names = gl.sched.classes.map((c) => c.name);
    expect(names).toEqual(['all', 'voip', 'rest']);
    expect(gl.sched.classes[1]!.parent).toBe(0);
    const mark = (n: string): number => g.firewall.markNames.indexOf(n);
    expect(gl.leafOfMark[mark('voip')]).toBe(1);
    expect(gl.leafOfMark[mark('bulk')]).toBe(2);
    expect(gl.leafOfMark[0]).toBe(2); // no-mark
    expect(gl.defaultLeaf).toBe(-1);
    const p = q.ports[g.portNames.indexOf('ether1')]!;
    expect(p.sched.classes.map((c) => c.name)).toEqual(['up', 'up-bulk']);
    expect(p.leafOfMark[mark('bulk')]).toBe(1);
    expect(p.leafOfMark[mark('voip')]).toBe(-1);
    expect(q.ports[g.portNames.indexOf('ether2')]).toBeNull();
    expect(q.warnings).toEqual([{ menu: '/queue tree', id: expect.stringMatching(/^\*[0-9A-F]+$/), message: expect.stringMatching(/^ghost: parent nowhere is not global/) }]);
  });

  it('queue types: kinds and parameters; an interface queue only shapes with a rate of its own', () => {
    const g = generationFrom(`/queue type
add name=pcq-5M kind=pcq pcq-rate=5M pcq-classifier=dst-address,dst-port pcq-dst-address-mask=24 pcq-limit=100KiB
add name=red1 kind=red red-min-threshold=5 red-max-threshold=15
add name=fq kind=fq-codel fq-codel-target=10ms
/queue interface
set ether2 queue=pcq-5M
set ether3 queue=red1
`);
    const t = new Map(g.queues.types.map((x) => [x.name, x]));
    expect(t.get('pcq-5M')).toMatchObject({ kind: QKind.PCQ, pcq: { rate: 5e6, classifier: PcqBy.DST_ADDRESS | PcqBy.DST_PORT, dstMask: 24, limit: 102400 } });
    expect(t.get('red1')).toMatchObject({ kind: QKind.RED, red: { minThreshold: 5, maxThreshold: 15 } });
    expect(t.get('fq')!.fqCodel!.target).toBeCloseTo(0.01);
    expect(t.get('default-small')).toMatchObject({ kind: QKind.PFIFO, limit: 10 });
    const p2 = g.queues.ports[g.portNames.indexOf('ether2')]!;
    expect(p2.defaultLeaf).toBe(0);
    expect(g.queues.types[p2.sched.classes[0]!.queueType]!.name).toBe('pcq-5M');
    expect(g.queues.ports[g.portNames.indexOf('ether3')]).toBeNull();
    expect(g.queues.global).toBeNull();
    expect(g.queues.simple).toBeNull();
  });

  it('the corpus queue configs compile without throwing', () => {
    const dir = CORPUS_ROOT;
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /queue|qos/i.test(f) && f.endsWith('.rsc'));
    expect(files.length).toBeGreaterThan(0);
    let compiled = 0;
    for (const f of files) {
      let g;
      try {
        g = generationFrom(fs.readFileSync(path.join(dir, f), 'utf8'));
      } catch {
        continue; // does not load as a whole config (placeholders etc.): control-corpus.md says why
      }
      compiled++;
      expect(g.queues).toBeDefined();
    }
    expect(compiled).toBeGreaterThan(0);
  });
});
