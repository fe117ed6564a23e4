/** `mqtt-lb run`: profiles → preflight → suites (Jest) → report; exit 0/1/2, or 128 + signal when stopped by one. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SUITES, type Profile } from '../profile/schema.js';
import { resolveSuiteEntries, suiteEntryName } from '../profile/suite-entries.js';
import { ConfigError } from '../errors.js';
import { harnessVersion, runProfile } from '../run/run-profile.js';
import { mergeResults } from '../run/merge.js';
import { newRunId } from '../proc/run-dir.js';
import { TargetNotConfiguredError } from '../external/target.js';
import { writeReport, parseSummaryFile, renderMarkdownSummary, startupErrors } from '../report/index.js';
import { findingLocation } from '../report/finding-text.js';
import type { Summary } from '../report/summary-types.js';
import { sweepStaleRuns } from '../proc/sweep.js';
import { RunSignals } from '../run/stop-run.js';
import { progress } from '../util/progress.js';
import { loadProfileEntries, preflight, UsageError } from './args.js';
import { baselineLines, decideRun } from './run-verdict.js';
import { writeCiSummaries } from './ci-summary.js';

export { expandProfiles } from './args.js';

/**
 * The suites named on the command line (`--suites` built-in names, `--suite` files relative to the current directory),
 * which replace each profile's list; undefined when neither is given.
 */
function parseSuites(list: string | undefined, files: string[] | undefined): string[] | undefined {
  if (!list && !files?.length) return undefined;
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(SUITES as readonly string[]).includes(n));
  if (bad.length)
    throw new ConfigError(
      `--suites: unknown suite(s) ${bad.join(', ')}`,
      undefined,
      undefined,
      `choose from ${SUITES.join(', ')}; run a test file of your own with --suite <file.test.ts>`,
    );
  const { entries, problem } = resolveSuiteEntries(
    [...names, ...(files ?? [])],
    process.cwd(),
    'the current directory',
  );
  if (problem) {
    const flag = problem.index < names.length ? '--suites' : `--suite ${files![problem.index - names.length]}`;
    throw new ConfigError(`${flag}: ${problem.message}`, undefined, undefined, problem.fix);
  }
  return entries;
}

function readBaseline(file: string | undefined): Summary[] | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(
      `--baseline: cannot read ${file}`,
      undefined,
      undefined,
      'pass the summary.json of an earlier run',
    );
  }
  try {
    return parseSummaryFile(text, `baseline ${file}`);
  } catch (err) {
    throw new ConfigError(`--baseline: ${(err as Error).message}`);
  }
}

/** Tests left out by `-t` carry no skip reason of their own: say so instead of "no reason recorded". */
function explainFilteredSkips(summary: Summary, pattern: string): Summary {
  for (const suite of Object.values(summary.suites)) {
    for (const test of suite.tests) {
      if (test.status === 'skipped' && (!test.skipReason || test.skipReason.startsWith('skipped (no reason')))
        test.skipReason = `not selected by -t '${pattern}'`;
    }
  }
  return summary;
}

/** A profile that could not run at all: every suite skipped with `reason`. */
function skippedSummary(profile: Profile, suites: string[], reason: string): Summary {
  const now = new Date();
  return mergeResults({
    runId: newRunId(),
    started: now,
    finished: now,
    harnessVersion: harnessVersion(),
    profileFile: profile.file,
    profileName: profile.name,
    jest: undefined,
    records: {},
    unavailable: Object.fromEntries(suites.map((s) => [suiteEntryName(s), reason])),
  });
}

/** A profile of a folder whose config is refused before it starts: its suites carry the refusal as their error (FAIL). */
function refusedSummary(profile: Profile, suites: string[], message: string): Summary {
  const summary = skippedSummary(profile, suites, message);
  for (const s of Object.values(summary.suites)) s.error = `refused before it started: ${message}`;
  return summary;
}

/** Jest args that add the live per-suite progress lines (dist/harness/cli/progress-reporter.js). */
function progressReporterArgs(): string[] {
  const reporter = fileURLToPath(new URL('./progress-reporter.js', import.meta.url));
  return existsSync(reporter) ? ['--reporters', 'default', '--reporters', reporter] : [];
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', short: 'p', multiple: true },
      suites: { type: 'string' },
      suite: { type: 'string', multiple: true },
      runtime: { type: 'string' },
      map: { type: 'string', multiple: true },
      out: { type: 'string', default: 'reports/latest' },
      baseline: { type: 'string' },
      'summary-md': { type: 'string' },
      'fail-on-regression': { type: 'boolean', default: false },
      t: { type: 'string', short: 't' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (profiles go after --profile)`);
  if (!values.profile?.length)
    throw new UsageError(
      '--profile is required (e.g. mqtt-lb run --profile fixtures/profiles/haproxy-roundrobin.yaml)',
    );
  const suitesOverride = parseSuites(values.suites, values.suite);
  const entries = loadProfileEntries(values.profile, { runtime: values.runtime, map: values.map });
  const profiles: Profile[] = entries.map((e) => e.profile);
  const names = profiles.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new ConfigError(
      `two profiles are named '${dup}'`,
      undefined,
      undefined,
      'profile names key the report pages and the baseline comparison: give each a distinct `name:`',
    );
  progress(`checking ${profiles.length} profile(s): ${names.join(', ')}`);
  /** External profiles listed from a folder whose target is not configured here: skipped with the reason. */
  const notConfigured = new Map<string, string>();
  /** Profiles from a folder whose config is refused (file:line and fix): reported as failed, the others still run. */
  const refused = new Map<string, string>();
  for (const { profile, fromFolder } of entries) {
    try {
      await preflight(profile);
    } catch (err) {
      if (fromFolder && err instanceof TargetNotConfiguredError) {
        notConfigured.set(profile.name, `external target not configured on this machine: ${err.message}`);
        progress(`profile ${profile.name}: skipped (${err.message})`);
      } else if (fromFolder && entries.length > 1 && err instanceof ConfigError) {
        refused.set(profile.name, err.format());
        progress(`profile ${profile.name}: REFUSED ${err.format()}`);
      } else throw err;
    }
  }
  const baseline = readBaseline(values.baseline);

  const out = path.resolve(values.out!);
  const summaries: Summary[] = [];
  /** Profiles a stop signal cut short or kept from starting: reported as STOP, their suites skipped. */
  const stopped = new Set<string>();
  const signals = new RunSignals(newRunId(), progress);
  progress(`run ${signals.runId}: ${profiles.length} profile(s), report in ${out}`);
  signals.install();
  const jestArgs = [...progressReporterArgs(), ...(values.t ? ['-t', values.t] : [])];
  for (const [i, profile] of profiles.entries()) {
    const suites = suitesOverride ?? profile.suites;
    if (signals.signal) {
      stopped.add(profile.name);
      summaries.push(skippedSummary(profile, suites, `not run: the run was stopped by ${signals.signal}`));
      continue;
    }
    progress(
      `profile ${i + 1}/${profiles.length}: ${profile.name} (${profile.balancer.kind}, ${profile.broker.kind} × ${profile.broker.nodes})`,
    );
    process.env.MQTT_LB_PROFILE_NAME = profile.name;
    const reason = notConfigured.get(profile.name);
    const refusal = refused.get(profile.name);
    const summary = refusal
      ? refusedSummary(profile, suites, refusal)
      : reason
        ? skippedSummary(profile, suites, reason)
        : await runProfile(profile, {
            suites,
            workDir: path.join(out, '.work'),
            runtime: values.runtime,
            jestArgs,
            env: signals.env,
            onChild: (pid) => signals.jestStarted(pid),
          }).catch((err: unknown) => {
            if (!signals.signal) throw err;
            stopped.add(profile.name);
            return skippedSummary(profile, suites, `interrupted by ${signals.signal}`);
          });
    signals.jestEnded();
    summaries.push(values.t ? explainFilteredSkips(summary, values.t) : summary);
  }
  await signals.stopped();
  sweepStaleRuns();
  progress('writing the report');
  const { index } = await writeReport(out, summaries, { baseline });
  const failOn = new Map(profiles.map((p) => [p.name, values['fail-on-regression'] || p.report.fail_on_regression]));
  const verdict = decideRun(summaries, baseline, (name) => failOn.get(name) ?? false);
  for (const s of summaries) {
    const t = s.totals;
    const bad = verdict.profiles.find((p) => p.profileName === s.run.profileName)?.failed ?? false;
    const startup = startupErrors(s);
    process.stdout.write(
      `${stopped.has(s.run.profileName) ? 'STOP' : bad ? 'FAIL' : 'PASS'}  ${s.run.profileName}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${s.deployment ? ` (startup ${s.deployment.startup_ms} ms${startup.length ? `, ${startup.length} startup error(s)` : ''})` : ''}
`,
    );
    for (const f of startup) process.stdout.write(`  startup ERROR ${findingLocation(f) ?? ''}: ${f.title}\n`);
  }
  for (const l of baselineLines(verdict, values.baseline)) process.stdout.write(`${l}\n`);
  const markdown = renderMarkdownSummary(summaries, {
    baselines: Object.fromEntries(verdict.profiles.flatMap((p) => (p.diff ? [[p.profileName, p.diff]] : []))),
    baselineFile: values.baseline,
    reportPath: index,
  });
  for (const f of writeCiSummaries(markdown, { file: values['summary-md'], env: process.env }))
    process.stdout.write(`summary: ${f}\n`);
  process.stdout.write(`report: ${index}\n`);
  signals.uninstall();
  return signals.exitCode ?? verdict.code;
}
