/**
 * Nightly regression check, end to end: run a profile, then a deliberately degraded config under the same profile
 * name with `--baseline <first summary.json>`; the regression must show in stdout, summary.json, the HTML and the
 * exit code — where the exit code follows the profile's `report: { fail_on_regression }`.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/index.js';
import type { FairnessMetrics, Summary } from '../../harness/report/summary-types.js';
import { decideRun } from '../../harness/cli/run-verdict.js';
import { assertBuilt, ROOT, runCli } from './cli-helpers.js';
import { nightlyTest } from '../helpers/tier.js';

assertBuilt('harness/cli/run-command.ts', 'harness/cli/run-verdict.ts');

const WORK = path.join(ROOT, 'reports', 'test-cli-baseline');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

/** A copy of a production fixture config with one deliberate change, and a profile named `nightly` for it. */
function profile(file: string, config: string, edit: (cfg: string) => string, extra = ''): string {
  const cfgFile = path.join(WORK, `${file}.cfg`);
  const original = readFileSync(path.join(ROOT, 'fixtures/haproxy/production', config), 'utf8');
  const edited = edit(original);
  writeFileSync(cfgFile, edited);
  const yaml = path.join(WORK, `${file}.yaml`);
  writeFileSync(yaml, `name: nightly\nbalancer: { kind: haproxy, config: ${cfgFile} }\n${extra}`);
  return yaml;
}

const readSummary = (dir: string): Summary =>
  parseSummaryFile(readFileSync(path.join(dir, 'summary.json'), 'utf8'))[0]!;
const rebalanceJain = (s: Summary): number =>
  (s.metrics.fairness as { scenarios: Record<string, FairnessMetrics> }).scenarios['rebalance after recovery']!.jain;

describe('mqtt-lb run --baseline', () => {
  test('a metric regression (balance leastconn → roundrobin: a recovered node never gets its share back) fails the run only when the profile says so', async () => {
    // Only asserted figures are judged: a rebalance threshold (met by both configs) makes the scenario's Jain asserted.
    const asserted = 'thresholds: { fairness: { rebalance_jain_min: 0.5 } }\n';
    const good = profile('fair-good', 'emqx-leastconn.cfg', (c) => c, asserted);
    const degraded = profile(
      'fair-degraded',
      'emqx-leastconn.cfg',
      (c) => {
        const out = c.replace(/^(\s*)balance leastconn$/m, '$1balance roundrobin');
        expect(out).not.toBe(c);
        return out;
      },
      `report: { fail_on_regression: true }\n${asserted}`,
    );
    const baseDir = path.join(WORK, 'fair-baseline');
    const base = await runCli(['run', '-p', good, '--suites', 'fairness', '-t', 'rebalance', '--out', baseDir], {
      timeoutMs: 150_000,
    });
    expect(base.code).toBe(0);
    const before = readSummary(baseDir);
    expect(rebalanceJain(before)).toBeGreaterThan(0.95);

    const nowDir = path.join(WORK, 'fair-degraded');
    const now = await runCli(
      [
        'run',
        '-p',
        degraded,
        '--suites',
        'fairness',
        '-t',
        'rebalance',
        '--out',
        nowDir,
        '--baseline',
        path.join(baseDir, 'summary.json'),
      ],
      { timeoutMs: 150_000 },
    );
    const after = readSummary(nowDir);
    // Every test passed: only the regression (and the profile's fail_on_regression) makes the exit code 1.
    expect(after.totals.failed).toBe(0);
    expect(rebalanceJain(after)).toBeLessThan(rebalanceJain(before) - 0.05);
    expect(now.stdout).toMatch(/REGRESSED nightly: 1 regression\(s\) vs baseline run .* — fails the run/);
    expect(now.stdout).toMatch(
      /metric\s+metrics\.fairness\.scenarios\.rebalance after recovery\.jain: 1 → 0\.\d+ \(lower is worse\)/,
    );
    expect(now.code).toBe(1);

    const html = readFileSync(path.join(nowDir, 'index.html'), 'utf8');
    expect(html).toMatch(
      /<section class="card" id="baseline"><h2>Compared with baseline<\/h2><p><span class="badge regression">1 regression<\/span>/,
    );
    expect(html).toMatch(
      /fairness › rebalance after recovery › jain.*<span class="badge regression">regressed<\/span>/,
    );

    // The same comparison without fail_on_regression is reported but does not fail.
    expect(decideRun([after], [before], () => false)).toMatchObject({
      code: 0,
      profiles: [{ failed: false, diff: { regressed: true } }],
    });
    expect(decideRun([after], [before], () => true).code).toBe(1);
  }, 320_000);

  // The --baseline flow through the CLI (two runs, stdout verdict, summary.json, HTML, exit code) is the case above; a
  // status change as a regression, and its rendering, are harness/report/{baseline,html,markdown-summary}.test.ts.
  nightlyTest(
    'a test that stops passing (skewed weights: 256:1:1) is a status regression in the report and the exit code',
    async () => {
      const good = profile('pubsub-good', 'emqx-roundrobin.cfg', (c) => c);
      const skewed = profile('pubsub-skewed', 'emqx-roundrobin.cfg', (c) => {
        const out = c
          .replace(/^(\s*server emqx_node_1 \S+:1883)$/m, '$1 weight 256')
          .replace(/^(\s*server emqx_node_[23] \S+:1883)$/gm, '$1 weight 1');
        expect(out.match(/weight/g)).toHaveLength(3);
        return out;
      });
      const baseDir = path.join(WORK, 'pubsub-baseline');
      expect((await runCli(['run', '-p', good, '--suites', 'pubsub', '-t', 'placement', '--out', baseDir])).code).toBe(
        0,
      );
      const nowDir = path.join(WORK, 'pubsub-skewed');
      const now = await runCli([
        'run',
        '-p',
        skewed,
        '--suites',
        'pubsub',
        '-t',
        'placement',
        '--out',
        nowDir,
        '--baseline',
        path.join(baseDir, 'summary.json'),
      ]);
      expect(now.code).toBe(1);
      expect(now.stdout).toMatch(/REGRESSED nightly: 1 regression\(s\)/);
      expect(now.stdout).toMatch(
        /test\s+pubsub › placement › connections through the balancer land on every node .*: passed → failed/,
      );
      const placement = readSummary(nowDir).suites.pubsub!.tests.find((t) => t.path.includes('placement'))!;
      expect(placement.status).toBe('failed');
      expect(placement.findings.map((f) => f.title).join()).toMatch(/no client landed on node/);
      const html = readFileSync(path.join(nowDir, 'index.html'), 'utf8');
      expect(html).toMatch(/<span class="badge regression" title="baseline: passed">regressed · was passed<\/span>/);
    },
    120_000,
  );
});
