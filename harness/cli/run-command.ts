/** `mqtt-lb run`: profiles → preflight → suites (Jest) → report; exit 0/1/2. */
import { existsSync, readdirSync, statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadProfile } from '../profile/load.js';
import { SUITES, type Profile, type SuiteName } from '../profile/schema.js';
import { ConfigError } from '../errors.js';
import { preflightProfile } from '../balancer/preflight.js';
import { runProfile } from '../run/run-profile.js';
import { writeReport, compareToBaseline, parseSummaryFile } from '../report/index.js';
import type { Summary } from '../report/summary-types.js';
import { sweepStaleRuns } from '../proc/sweep.js';
import { progress } from '../util/progress.js';

export function expandProfiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) throw new ConfigError(`profile not found: ${p}`, undefined, undefined, 'pass a YAML file or a folder of them to --profile');
    if (statSync(p).isDirectory()) {
      const files = readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(p, f));
      if (!files.length) throw new ConfigError(`no *.yaml profiles in folder ${p}`);
      return files;
    }
    return [p];
  });
}

function parseSuites(list: string | undefined): SuiteName[] | undefined {
  if (!list) return undefined;
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(SUITES as readonly string[]).includes(n));
  if (bad.length) throw new ConfigError(`--suites: unknown suite(s) ${bad.join(', ')}`, undefined, undefined, `choose from ${SUITES.join(', ')}`);
  return names as SuiteName[];
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', short: 'p', multiple: true },
      suites: { type: 'string' },
      runtime: { type: 'string' },
      map: { type: 'string', multiple: true },
      out: { type: 'string', default: 'reports/latest' },
      baseline: { type: 'string' },
      'fail-on-regression': { type: 'boolean', default: false },
      t: { type: 'string', short: 't' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.profile?.length) throw new ConfigError('--profile is required', undefined, undefined, 'e.g. mqtt-lb run --profile fixtures/profiles/haproxy-roundrobin.yaml');
  if (values.runtime && !['local', 'docker', 'auto'].includes(values.runtime)) throw new ConfigError(`--runtime ${values.runtime}: expected local, docker or auto`);
  const suitesOverride = parseSuites(values.suites);
  const profiles: Profile[] = expandProfiles(values.profile).map((f) => {
    const p = loadProfile(f, { runtime: values.runtime });
    if (values.map?.length) p.balancer.map = [...p.balancer.map, ...values.map];
    return p;
  });
  for (const p of profiles) await preflightProfile(p);
  const baseline = values.baseline ? parseSummaryFile(readFileSync(values.baseline, 'utf8')) : undefined;

  const out = path.resolve(values.out!);
  const summaries: Summary[] = [];
  let child: number | undefined;
  const onSigint = (): void => {
    progress('interrupted: stopping the running suite and its deployment…');
    if (child) setTimeout(() => {
      const swept = sweepStaleRuns();
      if (swept.length) progress(`swept ${swept.length} run(s)`);
      process.exit(130);
    }, 1500).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  for (const profile of profiles) {
    const suites = suitesOverride ?? profile.suites;
    summaries.push(await runProfile(profile, { suites, workDir: path.join(out, '.work'), runtime: values.runtime, jestArgs: values.t ? ['-t', values.t] : [], onChild: (pid) => (child = pid) }));
  }
  sweepStaleRuns();
  const { index } = await writeReport(out, summaries, { baseline });
  const regressed = baseline ? summaries.some((s) => {
    const b = baseline.find((x) => x.run.profileName === s.run.profileName);
    return b ? compareToBaseline(s, b).regressed : false;
  }) : false;
  for (const s of summaries) {
    const t = s.totals;
    process.stdout.write(`${t.failed ? 'FAIL' : 'PASS'}  ${s.run.profileName}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${s.deployment ? ` (startup ${s.deployment.startup_ms} ms)` : ''}\n`);
  }
  process.stdout.write(`report: ${index}\n`);
  if (regressed) process.stdout.write(`baseline: regression found (see the report)\n`);
  const failed = summaries.some((s) => s.totals.failed > 0);
  return failed || (regressed && values['fail-on-regression']) ? 1 : 0;
}
