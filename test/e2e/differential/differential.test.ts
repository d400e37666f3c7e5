/**
 * Differential suite: each scenario's traffic goes through a Linux router namespace configured with
 * equivalent iproute2 + nftables rules (scenarios/<name>/linux.sh, linux.nft) and through flowplane
 * (scenarios/<name>/config.rsc); per input frame the frames each router sends (interface, translated
 * addresses and ports, every byte of forwarded frames) must agree, and both must do what the story says
 * RouterOS does. Known, explained differences are listed per scenario (story.ts `differences`) and in
 * docs/differential.md. How outputs are compared: harness/compare.ts; the Linux side: harness/linux.ts.
 *
 * Needs root (network namespaces), nft, tcpreplay and tcpdump (bin/setup). Skipped, saying why, only
 * where network namespaces cannot be created.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { netnsUnavailable, checkTools } from './harness/linux';
import { runFlowplane, runLinux, type FlowplaneResult, type LinuxResult } from './harness/run';
import { matchesWant, badChecksums, diffOutputs } from './harness/compare';
import type { Scenario } from './harness/story';
import * as statefulFilter from './scenarios/stateful-filter/story';
import * as masquerade from './scenarios/masquerade/story';
import * as dstnatHairpin from './scenarios/dstnat-hairpin/story';
import * as reject from './scenarios/reject/story';
import * as addressLists from './scenarios/address-lists/story';
import * as policyMark from './scenarios/policy-mark/story';
import * as mangleRedirect from './scenarios/mangle-redirect/story';
import * as fragNeededNat from './scenarios/frag-needed-nat/story';
import * as tftpNat from './scenarios/tftp-nat/story';

const SCENARIOS: [string, () => Scenario][] = [
  ['stateful-filter', statefulFilter.scenario],
  ['masquerade', masquerade.scenario],
  ['dstnat-hairpin', dstnatHairpin.scenario],
  ['reject', reject.scenario],
  ['address-lists', addressLists.scenario],
  ['policy-mark', policyMark.scenario],
  ['mangle-redirect', mangleRedirect.scenario],
  ['frag-needed-nat', fragNeededNat.scenario],
  ['tftp-nat', tftpNat.scenario],
];

const why = netnsUnavailable();
if (why !== null) {
  console.warn(`differential suite SKIPPED: ${why}`);
  test.skip(`differential suite skipped: ${why}`, () => {});
} else {
  let tmp = '';
  beforeAll(() => {
    checkTools();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-diff-'));
  });
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe.each(SCENARIOS)('%s', (name, make) => {
    const dir = path.join(__dirname, 'scenarios', name);
    const sc = make();
    let fp: FlowplaneResult;
    let linux: LinuxResult;
    beforeAll(async () => {
      fp = runFlowplane(dir, sc);
      linux = await runLinux(dir, sc, tmp);
    }, 45_000);

    const diffOf = (i: number) => sc.differences.find((d) => d.frame === i);
    const label = (i: number) => `#${i} ${sc.frames[i]!.ms}ms ${sc.frames[i]!.iface}${sc.frames[i]!.note ? ` (${sc.frames[i]!.note})` : ''}`;

    test('flowplane does what RouterOS does (fates and frames sent)', () => {
      const problems: string[] = [];
      sc.frames.forEach((f, i) => {
        const d = diffOf(i);
        const fate = d?.deviates === 'flowplane' && d.fate ? d.fate : f.want.fate;
        if (fp.fates[i] !== fate) problems.push(`${label(i)}: fate ${fp.fates[i]}, expected ${fate}`);
        const want = d?.deviates === 'flowplane' ? d.got : f.want.out;
        for (const p of matchesWant(fp.outputs[i]!, want)) problems.push(`${label(i)}: ${p}`);
        if (d?.deviates !== 'flowplane') for (const l of badChecksums(fp.outputs[i]!)) problems.push(`${label(i)}: bad checksum: ${l}`);
      });
      for (const s of fp.stray) problems.push(`sent with no input as cause: ${s.line}`);
      expect(problems).toEqual([]);
    });

    test('Linux does what RouterOS does (frames sent)', () => {
      const problems: string[] = [];
      sc.frames.forEach((f, i) => {
        const d = diffOf(i);
        const want = d?.deviates === 'linux' ? d.got : f.want.out;
        for (const p of matchesWant(linux.outputs[i]!, want)) problems.push(`${label(i)}: ${p}`);
        if (d?.deviates !== 'linux') for (const l of badChecksums(linux.outputs[i]!)) problems.push(`${label(i)}: bad checksum: ${l}`);
      });
      for (const s of linux.stray) problems.push(`sent before the first input: ${s.line}`);
      // Timeouts in stories sit >= 500 ms from the frames around them; a Linux timeline running later than
      // this would make the comparison meaningless, so say so rather than compare.
      const late = Math.max(...linux.lateness);
      if (late > 300) problems.push(`the Linux side ran ${late} ms behind the story's clock (machine too busy?)`);
      expect(problems).toEqual([]);
    });

    test('per packet, Linux and flowplane send the same frames', () => {
      const mismatches: string[] = [];
      sc.frames.forEach((_f, i) => {
        const d = diffOutputs(linux.outputs[i]!, fp.outputs[i]!);
        if (d !== null && !diffOf(i)) mismatches.push(`${label(i)}\n  linux:     ${d.linux.join('\n             ') || '(nothing)'}\n  flowplane: ${d.flowplane.join('\n             ') || '(nothing)'}`);
        if (d === null && diffOf(i)) mismatches.push(`${label(i)}: listed as a known difference, but both send the same now: ${diffOf(i)!.why}`);
      });
      expect(mismatches).toEqual([]);
    });
  });
}
