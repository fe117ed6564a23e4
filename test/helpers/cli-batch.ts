/**
 * Several profiles in one `mqtt-lb run` (the CLI starts once; each profile still runs in its own Jest child with its
 * own deployments, one after another), read per profile as runSuiteCli reads a single-profile run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSummaryFile } from '../../harness/report/index.js';
import { stripAnsi } from '../../harness/report/text.js';
import { assertBuilt, ROOT, runCli, type SuiteRun } from '../integration/cli-helpers.js';

/** The CLI's verdict line of one profile (run-command.ts): `PASS  <name>: …`, `FAIL  <name>: …` or `STOP  <name>: …`. */
function verdictOf(stdout: string, profileName: string): string | undefined {
  const escaped = profileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(PASS|FAIL|STOP) {2}${escaped}: `, 'm').exec(stripAnsi(stdout))?.[1];
}

/**
 * The part of the CLI's stderr about profile `i` of `n`: from its `profile i/n:` progress line to the next one (all of
 * it without progress lines, MQTT_LB_QUIET=1).
 */
function stderrOf(stderr: string, i: number, n: number): string {
  const start = stderr.indexOf(`] profile ${i + 1}/${n}: `);
  if (start < 0) return stderr;
  const next = stderr.indexOf(`] profile ${i + 2}/${n}: `, start);
  const end = next >= 0 ? next : stderr.indexOf('] writing the report', start);
  return stderr.slice(start, end >= 0 ? end : undefined);
}

/**
 * `mqtt-lb run --profile <a> --profile <b> … --suites <suite> … --out <temp dir>`, and each profile's result keyed by
 * the profile path as given. A profile's `code` is what a run of it alone exits with: 0 for its PASS verdict line, 1
 * for FAIL; the run's own exit code must be the worst of them (else this throws, as it does without a verdict line).
 * A profile's `log` is the CLI's stdout and its own part of stderr.
 */
export async function runSuiteCliBatch(
  profiles: readonly string[],
  suite: string,
  extraArgs: string[] = [],
  opts: { built?: string[]; timeoutMsPerProfile?: number } = {},
): Promise<Map<string, SuiteRun>> {
  if (opts.built) assertBuilt(...opts.built);
  const out = mkdtempSync(path.join(os.tmpdir(), `mqtt-lb-${suite.replace(/\W/g, '-')}-batch-`));
  try {
    const args = ['run', ...profiles.flatMap((p) => ['--profile', p]), '--suites', suite, '--out', out, ...extraArgs];
    const r = await runCli(args, { timeoutMs: (opts.timeoutMsPerProfile ?? 170_000) * profiles.length });
    const log = r.stdout + r.stderr;
    const file = path.join(out, 'summary.json');
    if (!existsSync(file))
      throw new Error(`mqtt-lb ${args.join(' ')} (exit ${r.code}) wrote no summary.json:\n${log.slice(-3000)}`);
    const summaries = parseSummaryFile(readFileSync(file, 'utf8'));
    const runs = new Map<string, SuiteRun>();
    for (const [i, profile] of profiles.entries()) {
      // The CLI runs and reports the profiles in the order given.
      const summary = summaries[i];
      if (!summary || path.resolve(ROOT, summary.run.profile) !== path.resolve(ROOT, profile))
        throw new Error(`summary.json entry ${i} is ${summary?.run.profile ?? 'missing'}, expected ${profile}`);
      const verdict = verdictOf(r.stdout, summary.run.profileName);
      if (verdict !== 'PASS' && verdict !== 'FAIL')
        throw new Error(
          `no PASS/FAIL line for ${summary.run.profileName} (${verdict ?? 'none'}):\n${log.slice(-3000)}`,
        );
      const tests = summary.suites[suite]?.tests ?? [];
      // The report folder is removed below: keep each failed test's cause in the log (expected ones included).
      for (const t of tests.filter((x) => x.status === 'failed'))
        process.stderr.write(
          `[cli-run] ${path.basename(profile)} › ${t.name}: ${stripAnsi((t.failureMessages ?? []).join(' ')).slice(0, 600)}\n`,
        );
      // Its own log, as a run of it alone would print it: its part of stderr, and the verdict lines.
      const own = stderrOf(r.stderr, i, profiles.length);
      runs.set(profile, { code: verdict === 'PASS' ? 0 : 1, summary, tests, log: r.stdout + own });
    }
    const worst = Math.max(...[...runs.values()].map((x) => x.code ?? 1));
    if (r.code !== worst)
      throw new Error(`mqtt-lb run exited ${r.code}, its profiles' verdicts say ${worst}:\n${log.slice(-3000)}`);
    return runs;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The run of `profile` from a batch; throws naming the profiles it has. */
export function fromBatch(batch: Map<string, SuiteRun> | undefined, profile: string): SuiteRun {
  const run = batch?.get(profile);
  if (!run) throw new Error(`no batch run of ${profile} (have: ${[...(batch?.keys() ?? [])].join(', ') || 'none'})`);
  return run;
}

/** A batch started by the first test that needs it and shared by the others (each test's timeout covers the batch). */
export function sharedBatch(start: () => Promise<Map<string, SuiteRun>>): () => Promise<Map<string, SuiteRun>> {
  let running: Promise<Map<string, SuiteRun>> | undefined;
  return () => (running ??= start());
}
