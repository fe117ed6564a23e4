/**
 * The package as a user gets it: `npm pack` → install the tarball into a scratch copy of examples/balancer-check →
 * its tsc type check (the `types` export), its Jest test, which starts a local stand-in + HAProxy deployment through
 * the public API, kills a node and checks the client reconnects through the balancer, and the installed CLI's run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { projectRoot } from '../../harness/util/project-root.js';
import { runStep, scratchProject, type Step } from '../helpers/scratch-project.js';

const root = projectRoot();
const EXAMPLE = path.join(root, 'examples', 'balancer-check');
let tmp: string;
let proj: string;
const times: Record<string, number> = {};

function ok(what: string, step: Step): void {
  times[what] = step.ms;
  if (step.code !== 0) throw new Error(`${what} exited ${step.code} after ${step.ms} ms:\n${step.output.slice(-6000)}`);
}

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist', 'harness', 'api', 'index.d.ts')))
    throw new Error('dist/harness/api/index.d.ts is missing: run `npm run build` first');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-pack-'));
  proj = path.join(tmp, 'balancer-check');
  // --ignore-scripts here: `prepare` would rebuild dist/ under the feet of the tests running beside this one.
  ok('npm pack', await runStep('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], root, 90_000));
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${tmp}`);
  const t0 = Date.now();
  scratchProject(EXAMPLE, proj, path.join(tmp, tgz), root);
  times['scratch project'] = Date.now() - t0;
  // --ignore-scripts: nothing the harness uses has an install script (ssh2/cpu-features are dockerode's optional ssh
  // transport); building them took 45 s of the install.
  ok(
    'npm install',
    await runStep(
      'npm',
      ['install', `../${tgz}`, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      proj,
      240_000,
    ),
  );
}, 340_000);

afterAll(() => {
  // ~24 000 files: removing them took a minute on a loaded 2-core machine; `rm -rf` finishes it without the test.
  if (tmp) spawn('rm', ['-rf', tmp], { detached: true, stdio: 'ignore' }).unref();
  process.stderr.write(`[pack-install] ${JSON.stringify(times)}\n`);
});

test('the tarball holds the build, its deployables and the bin, without tests', () => {
  const pkg = path.join(proj, 'node_modules', 'mqtt-lb-harness');
  for (const f of [
    'dist/harness/api/index.js',
    'dist/harness/api/index.d.ts',
    'dist/standin/node.js',
    'dist/proxy/main.js',
    'bin/mqtt-lb.js',
    'fixtures/profiles/haproxy-roundrobin.yaml',
  ])
    expect([f, existsSync(path.join(pkg, f))]).toEqual([f, true]);
  for (const f of ['dist/test', 'dist/harness/api/readme-example.test.js', 'harness', 'test'])
    expect([f, existsSync(path.join(pkg, f))]).toEqual([f, false]);
});

test('the example project type-checks against the installed .d.ts', async () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  ok('tsc', await runStep(process.execPath, [tsc, '-p', 'tsconfig.json'], proj, 120_000));
}, 130_000);

test("the example project's Jest test starts a deployment through the public API, kills a node and passes", async () => {
  const jest = path.join('node_modules', 'jest', 'bin', 'jest.js');
  const step = await runStep(process.execPath, ['--experimental-vm-modules', jest, '--ci'], proj, 150_000);
  ok('example jest', step);
  expect(step.output).toMatch(/Tests:\s+1 passed, 1 total/);
}, 160_000);

test("the example's nightly command runs the installed CLI's suites through its config", async () => {
  const bin = path.join('node_modules', '.bin', 'mqtt-lb');
  const args = [
    'run',
    '--profile',
    'lb/profile.yaml',
    '--suites',
    'pubsub',
    '--runtime',
    'local',
    '--out',
    'reports/x',
  ];
  const step = await runStep(bin, args, proj, 150_000);
  ok('mqtt-lb run', step);
  expect(existsSync(path.join(proj, 'reports', 'x', 'summary.json'))).toBe(true);
}, 160_000);
