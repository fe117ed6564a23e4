/** Runs the built CLI (`node bin/mqtt-lb.js …`) as a separate process, the way a person or CI would; readers for its summary.json. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, Summary, TestResult } from '../../harness/report/summary-types.js';
import { stripAnsi } from '../../harness/report/text.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const BIN = path.join(ROOT, 'bin', 'mqtt-lb.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI runs from dist/: fail loudly when it is missing or older than the sources it is tested for. Suite files
 * (`*.test.ts`) are not built (the CLI's Jest child runs them from source), so they need no check.
 */
export function assertBuilt(...sources: string[]): void {
  const main = path.join(ROOT, 'dist', 'harness', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
  for (const s of sources.filter((f) => !f.endsWith('.test.ts'))) {
    const built = path.join(ROOT, 'dist', s.replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(path.join(ROOT, s)).mtimeMs)
      throw new Error(`dist/ is older than ${s}: run \`npm run build\``);
  }
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const env = { ...process.env, ...opts.env };
  // Tests running inside a GitHub Actions job must not append their runs to the job's own summary.
  if (opts.env?.GITHUB_STEP_SUMMARY === undefined) delete env.GITHUB_STEP_SUMMARY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `mqtt-lb ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 120_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `runCli` + JSON.parse of stdout, with the output in the error when it is not JSON. */
export async function runCliJson<T>(
  args: string[],
  opts?: Parameters<typeof runCli>[1],
): Promise<{ code: number | null; json: T; stderr: string }> {
  const r = await runCli(args, opts);
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`mqtt-lb ${args.join(' ')} (exit ${r.code}) did not print JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

export interface SuiteRun {
  code: number | null;
  summary: Summary;
  /** The suite's tests from summary.json (empty when the suite has no entry). */
  tests: TestResult[];
  /** stdout + stderr of the CLI. */
  log: string;
}

/**
 * `mqtt-lb run --profile <profile> --suites <suite> … --out <temp dir>` as a user runs it, and its summary.json.
 * `built`: the sources the test is about, checked to be built into dist/ first (see assertBuilt).
 */
export async function runSuiteCli(
  profile: string,
  suite: string,
  extraArgs: string[] = [],
  opts: { built?: string[]; timeoutMs?: number } = {},
): Promise<SuiteRun> {
  if (opts.built) assertBuilt(...opts.built);
  const out = mkdtempSync(path.join(os.tmpdir(), `mqtt-lb-${suite}-`));
  try {
    const r = await runCli(['run', '--profile', profile, '--suites', suite, '--out', out, ...extraArgs], {
      timeoutMs: opts.timeoutMs ?? 170_000,
    });
    const log = r.stdout + r.stderr;
    if (!existsSync(path.join(out, 'summary.json')))
      throw new Error(`mqtt-lb run --profile ${profile} (exit ${r.code}) wrote no summary.json:\n${log.slice(-3000)}`);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    const tests = summary.suites[suite]?.tests ?? [];
    // The report folder is removed below: keep each failed test's cause in the log (expected ones included).
    logFailedTests(profile, tests);
    return { code: r.code, summary, tests, log };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Writes each failed test's cause to stderr (`[cli-run] <profile> › <test>: <cause>`), so CI logs explain it. */
export function logFailedTests(profile: string, tests: readonly TestResult[]): void {
  for (const t of tests.filter((x) => x.status === 'failed'))
    process.stderr.write(
      `[cli-run] ${path.basename(profile)} › ${t.name}: ${stripAnsi((t.failureMessages ?? []).join(' ')).slice(0, 600)}\n`,
    );
}

/** The test whose name starts with `prefix`; throws listing the names there are. */
export function byName(tests: TestResult[], prefix: string): TestResult {
  const t = tests.find((x) => x.name.startsWith(prefix));
  if (!t) throw new Error(`no test '${prefix}…' in ${tests.map((x) => x.name).join(' | ')}`);
  return t;
}
export const errorFindings = (t: TestResult): Finding[] => t.findings.filter((f) => f.severity === 'error');
/** Names (up to the colon) of the failed tests. */
export const failedTests = (tests: TestResult[]): string[] =>
  tests.filter((t) => t.status === 'failed').map((t) => t.name.split(':')[0]!);
/** Names (up to the colon or arrow) of the skipped tests. */
export const skippedTests = (tests: TestResult[]): string[] =>
  tests.filter((t) => t.status === 'skipped').map((t) => t.name.split(':')[0]!.split(' →')[0]!);
