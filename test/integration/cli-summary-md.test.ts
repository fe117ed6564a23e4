/**
 * The CI summary as a user meets it: the README's `--summary-md` example, run as printed (plus a scratch --out),
 * with `$GITHUB_STEP_SUMMARY` pointing at a scratch file: both get the Markdown summary of the run.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, assertBuilt, runCli } from './cli-helpers.js';

/** The README's `--summary-md` example, exactly as printed there. */
function readmeSummaryExample(): string[] {
  const line = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('npx mqtt-lb run') && l.includes('--summary-md'));
  if (!line) throw new Error('README.md has no `npx mqtt-lb run … --summary-md …` example');
  return line.replace(/^npx mqtt-lb /, '').split(/\s+/);
}

describe('mqtt-lb run --summary-md', () => {
  test("the README's example writes the Markdown summary, and appends it to $GITHUB_STEP_SUMMARY", async () => {
    assertBuilt('harness/cli/run-command.ts', 'harness/cli/ci-summary.ts', 'harness/report/markdown-summary.ts');
    const args = readmeSummaryExample();
    expect(args[0]).toBe('run');
    const file = path.join(ROOT, args[args.indexOf('--summary-md') + 1]!);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-summary-md-'));
    const step = path.join(dir, 'step-summary.md');
    writeFileSync(step, '## an earlier step\n');
    rmSync(file, { force: true });
    try {
      const r = await runCli([...args, '--out', path.join(dir, 'out')], {
        env: { GITHUB_STEP_SUMMARY: step },
        timeoutMs: 170_000,
      });
      const md = readFileSync(file, 'utf8');
      expect(md).toMatch(/^## MQTT load-balancer test run: (✅ PASSED|❌ FAILED)\n/);
      expect(md).toMatch(/\| \*\*haproxy-roundrobin\*\* \| .+ \| (✅|❌) \d+ \/ \d+ \/ \d+ \|/);
      expect(md).toContain('### Top findings');
      expect(readFileSync(step, 'utf8')).toBe(`## an earlier step\n${md}\n`);
      expect(r.stdout).toContain(`summary: ${file}`);
      expect(r.code).toBe(md.includes('❌ FAILED') ? 1 : 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
