/**
 * The real-world corpus (fixtures/real-world/): production-shaped HAProxy and NGINX configs, run as they are
 * through the CLI; each suite's verdict must match the table in corpus.yaml. `npm test` runs the entries marked
 * `quick` with a cheap test selection; `npm run test:corpus` (MQTT_LB_CORPUS=all) runs every entry and every suite of
 * its profile, for nightly use.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Summary } from '../../harness/report/summary-types.js';
import { ROOT, assertBuilt, runCli, type SuiteRun } from './cli-helpers.js';
import { fromBatch, runSuiteCliBatch, sharedBatch } from '../helpers/cli-batch.js';

interface Entry {
  file: string;
  profile: string;
  shape: string;
  source: string;
  quick?: boolean;
  expect: Record<string, string>;
}

const CORPUS = path.join(ROOT, 'fixtures/real-world');
const entries = (parse(readFileSync(path.join(CORPUS, 'corpus.yaml'), 'utf8')) as { configs: Entry[] }).configs;
const ALL = process.env['MQTT_LB_CORPUS'] === 'all';
/**
 * The quick selection: placement and one delivery test of pubsub, the static keepalive check (its test name, not the
 * describe block's "idle timeout", which also selects the dynamic check: a ~30 s idle wait per broken keepalive entry
 * that keepalive-broken.test.ts already proves), the tls suite's basics.
 */
const QUICK_SUITES = ['pubsub', 'tls'];
const STARTUP = 'startup';
const QUICK_PATTERN =
  "land on every node|QoS 1: 200 messages|balancer's effective idle timeout|offload|passthrough|unknown CA|mqtts";

/** What the table expects of a suite: run and pass, run and fail (at a line, when the table names one), or not run. */
type Verdict = 'pass' | 'fail' | 'skip' | 'refused';

export function expectation(text: string): { verdict: Verdict; line?: number } {
  const verdict = text.split(/[:\s(]/)[0] as Verdict;
  if (!['pass', 'fail', 'skip', 'refused'].includes(verdict)) throw new Error(`corpus.yaml: unknown verdict "${text}"`);
  const line = /\bline (\d+)/.exec(text)?.[1];
  return { verdict, ...(line ? { line: Number(line) } : {}) };
}

/** `startup` is the deployment's own verdict (an error finding at start-up fails the profile); the rest are suites. */
function suiteVerdict(summary: Summary, suite: string): 'pass' | 'fail' | 'skip' {
  if (suite === STARTUP)
    return (summary.deployment?.startup_findings ?? []).some((f) => f.severity === 'error') ? 'fail' : 'pass';
  const s = summary.suites[suite];
  if (!s) return 'skip';
  if (s.failed > 0 || s.error) return 'fail';
  return s.passed > 0 ? 'pass' : 'skip';
}

/** Every config line a suite's failure points at: its findings, its errors' startup findings, its failure messages. */
function linesNamed(summary: Summary, suite: string): number[] {
  const s = summary.suites[suite];
  const findings = [...(s?.tests.flatMap((t) => t.findings) ?? []), ...(summary.deployment?.startup_findings ?? [])];
  const fromText = [s?.error ?? '', ...(s?.tests.flatMap((t) => t.failureMessages ?? []) ?? [])]
    .join('\n')
    .matchAll(/\.(?:cfg|conf):(\d+)\b|\bline (\d+)\b/g);
  return [
    ...findings.filter((f) => f.severity === 'error').flatMap((f) => (f.line ? [f.line] : [])),
    ...[...fromText].map((m) => Number(m[1] ?? m[2])),
  ];
}

const selected = entries.filter((e) => ALL || e.quick);

/**
 * The suites an entry runs. Quick: the cheap suites (pubsub, tls) and any suite a broken entry is expected to fail;
 * nightly: every suite. (A good entry's expected failure is a limit of its balancer kind, e.g. NGINX's hang: nightly.)
 */
function planOf(entry: Entry): { run: (readonly [string, ReturnType<typeof expectation>])[]; cliSuites: string } {
  const good = /(^|\/)good\//.test(entry.file);
  const run = Object.entries(entry.expect)
    .map(([suite, text]) => [suite, expectation(text)] as const)
    .filter(([, e]) => e.verdict !== 'skip')
    .filter(([suite, e]) => ALL || QUICK_SUITES.includes(suite) || (e.verdict !== 'pass' && !good));
  return {
    run,
    cliSuites: run
      .map(([x]) => x)
      .filter((x) => x !== STARTUP)
      .join(','),
  };
}
const profileOf = (entry: Entry): string => path.join(CORPUS, entry.profile);

/**
 * Quick tier: the entries that run the same suites share one `mqtt-lb run` (each profile still in its own Jest child
 * and deployment; its verdict line is its exit code). An entry expected to be refused runs alone: a refusal at
 * preflight ends the whole run.
 */
const batches = new Map<string, () => Promise<Map<string, SuiteRun>>>();
let largestBatch = 1;
if (!ALL) {
  const bySuites = new Map<string, Entry[]>();
  for (const e of selected) {
    const { run, cliSuites } = planOf(e);
    if (run.some(([, x]) => x.verdict === 'refused')) continue;
    bySuites.set(cliSuites, [...(bySuites.get(cliSuites) ?? []), e]);
  }
  for (const [cliSuites, members] of bySuites) {
    if (members.length < 2) continue;
    largestBatch = Math.max(largestBatch, members.length);
    const batch = sharedBatch(() =>
      runSuiteCliBatch(members.map(profileOf), cliSuites, ['-t', QUICK_PATTERN], {
        built: ['harness/cli/run-command.ts'],
      }),
    );
    for (const m of members) batches.set(m.file, batch);
  }
}

/** The entry's run: its exit code (its verdict line in a batch), its log, its summary.json when there is one. */
async function runEntry(
  entry: Entry,
  cliSuites: string,
): Promise<{ code: number | null; log: string; summary?: Summary }> {
  const batch = batches.get(entry.file);
  if (batch) {
    const r = fromBatch(await batch(), profileOf(entry));
    return { code: r.code, log: r.log, summary: r.summary };
  }
  const out = mkdtempSync(path.join(os.tmpdir(), 'mlb-corpus-'));
  const args = ['run', '-p', profileOf(entry), '--suites', cliSuites, '--out', out];
  const r = await runCli(ALL ? args : [...args, '-t', QUICK_PATTERN], { timeoutMs: ALL ? 1_500_000 : 170_000 });
  const file = path.join(out, 'summary.json');
  // No summary: refused by preflight, the message is on stderr.
  const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Summary) : undefined;
  return { code: r.code, log: r.stderr, summary };
}

describe('real-world corpus: each config meets its expected verdicts', () => {
  test('the table covers at least 25 good and 10 broken configs, each with a source', () => {
    expect(entries.filter((e) => e.file.startsWith('good/')).length).toBeGreaterThanOrEqual(25);
    expect(entries.filter((e) => e.file.startsWith('broken/')).length).toBeGreaterThanOrEqual(10);
    for (const e of entries) {
      expect(e.source).toBeTruthy();
      for (const text of Object.values(e.expect)) expect(() => expectation(text)).not.toThrow();
    }
  });

  test.each(selected.map((e) => [e.file, e] as const))(
    '%s',
    async (_name, entry) => {
      assertBuilt('harness/cli/run-command.ts');
      const { run, cliSuites } = planOf(entry);
      const suites = run.map(([x]) => x);
      const r = await runEntry(entry, cliSuites);
      const refused = run.find(([, e]) => e.verdict === 'refused');
      if (refused) {
        // Refused before any test runs (preflight exit 2, or the suite's deployment refused: exit 1), naming the line.
        const errors =
          r.log +
          Object.values(r.summary?.suites ?? {})
            .map((x) => x.error ?? '')
            .join('\n');
        const line = refused[1].line;
        expect({
          failed: r.code !== 0,
          namesLine: errors.includes(`:${line}:`) || errors.includes(`line ${line}`),
        }).toEqual({ failed: true, namesLine: true });
        return;
      }
      const summary = r.summary;
      if (!summary) throw new Error(`${entry.file}: no summary.json (exit ${r.code})\n${r.log.slice(-3000)}`);
      const got = Object.fromEntries(suites.map((s) => [s, suiteVerdict(summary, s)]));
      const want = Object.fromEntries(run.map(([s, e]) => [s, e.verdict]));
      if (run.some(([s, e]) => got[s] !== e.verdict)) {
        const errors = Object.values(summary.suites)
          .flatMap((s) => [
            s.error ?? '',
            ...s.tests.flatMap((t) => t.findings.map((f) => `${f.severity}: ${f.title}`)),
          ])
          .filter(Boolean);
        throw new Error(
          `${entry.file}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}\n${errors.slice(0, 8).join('\n')}\nstderr: ${r.log.split('\n').slice(-15).join('\n')}`,
        );
      }
      for (const [suite, e] of run) {
        if (e.verdict === 'fail' && e.line !== undefined) expect(linesNamed(summary, suite)).toContain(e.line);
      }
      expect(r.code).toBe(run.some(([, e]) => e.verdict === 'fail') ? 1 : 0);
    },
    ALL ? 1_600_000 : 180_000 * largestBatch,
  );
});
