/**
 * A config sized for production hardware (global maxconn 200000, ulimit-n 400000, nbthread 16 pinned to 16 CPUs) run
 * like a user runs it: the harness scales the sizing lines to this machine's open-files hard limit and CPUs, HAProxy
 * starts, MQTT goes through it, and the report, summary.json and stderr list each scaled line with its original value.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/index.js';
import { openFilesHardLimit } from '../../harness/balancer/machine-limits.js';
import { assertBuilt, runCli } from './cli-helpers.js';

assertBuilt('harness/balancer/haproxy/fit-machine.ts', 'harness/local/balancer-process.ts');

const PROFILE = 'fixtures/profiles/haproxy-production-sized.yaml';

/** Every .html file under `dir`, read. */
function htmlPages(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

describe('production-sized balancer config', () => {
  test('maxconn 200000 / ulimit-n 400000 / nbthread 16 are scaled to this machine, MQTT flows, the report lists each line', async () => {
    const hard = openFilesHardLimit();
    const cpus = os.availableParallelism();
    const out = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-machine-fit-'));
    try {
      const r = await runCli(
        ['run', '--profile', PROFILE, '--suites', 'pubsub', '-t', 'placement|QoS 1:', '--out', out],
        {
          timeoutMs: 110_000,
        },
      );
      expect({ code: r.code, tail: r.code === 0 ? '' : (r.stdout + r.stderr).slice(-2000) }).toEqual({
        code: 0,
        tail: '',
      });
      expect(r.stderr).toMatch(
        /HAProxy config scaled to this machine \(open-files hard limit \d+, \d+ CPUs?\): .*line 9 'maxconn 200000'/,
      );

      const [summary] = parseSummaryFile(readFileSync(path.join(out, 'summary.json'), 'utf8'));
      const pubsub = summary!.suites.pubsub!.tests.filter((t) => t.status !== 'skipped');
      expect(pubsub.length).toBeGreaterThan(0);
      expect(pubsub.every((t) => t.status === 'passed')).toBe(true);

      const fit = summary!.deployment!.balancer.machineFit!;
      expect(fit).toMatchObject({ where: 'this machine', openFilesLimit: hard, cpus });
      const byLine = new Map(fit.rewrites.map((w) => [w.line, w]));
      // The fixture asks for more descriptors than any machine this test expects (400000); threads beyond the CPUs.
      if (hard < 444445) {
        expect(byLine.get(9)).toMatchObject({ original: 'maxconn 200000', reason: expect.stringContaining(`${hard}`) });
        expect(Number(byLine.get(9)!.asRun.split(' ')[1])).toBeLessThan(hard / 2);
      }
      if (hard < 400000)
        expect(byLine.get(10)).toMatchObject({ original: 'ulimit-n 400000', asRun: `ulimit-n ${hard}` });
      if (cpus < 16) {
        expect(byLine.get(7)).toMatchObject({ original: 'nbthread 16', asRun: `nbthread ${cpus}` });
        expect(byLine.get(8)).toMatchObject({
          original: 'cpu-map auto:1/1-16 0-15',
          asRun: '# cpu-map auto:1/1-16 0-15',
        });
      }
      // Per-server limits are what the suites judge: never scaled.
      expect(fit.rewrites.some((w) => w.original.startsWith('server'))).toBe(false);
      const asRun = summary!.deployment!.balancer.config!.split('\n');
      for (const n of [29, 30, 31]) expect(asRun[n - 1]).toMatch(/^\s+server emqx_node_\d \S+ maxconn 100000$/);
      for (const w of fit.rewrites) expect(asRun[w.line - 1]!.trim().startsWith(w.asRun)).toBe(true);

      const page = htmlPages(out).find((p) => p.includes('Balancer config as run'));
      expect(page).toBeDefined();
      expect(page).toMatch(/<h3>Scaled to the machine<\/h3>/);
      for (const w of fit.rewrites) expect(page).toContain(`<code>${w.original}</code>`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
