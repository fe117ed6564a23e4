/**
 * `mqtt-lb up --profile <file>`: start a deployment in a detached keeper process (own session, output to
 * <run dir>/logs/keeper.log), wait for it to be ready, print the endpoints, return. See keeper.ts.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RunDir, newRunId } from '../proc/run-dir.js';
import { RUN_ID_ENV, signalGroup } from '../proc/identity.js';
import { ConfigError } from '../errors.js';
import { progress } from '../util/progress.js';
import { loadProfiles, preflight, UsageError } from './args.js';
import type { KeeperMessage } from './keeper.js';
import type { KeeperInfo } from './run-state.js';

const START_TIMEOUT_MS = 180_000;

export function formatEndpoints(info: KeeperInfo): string {
  const d = info.deployment;
  const e = d.endpoints;
  const lines = [
    `deployment ${info.runId} is up (profile ${info.profileName}; ${d.broker.kind} × ${d.broker.nodes.length} behind ${d.balancer.kind} ${d.balancer.version}; ${d.runtime} runtime; startup ${d.startup_ms} ms)`,
    '',
  ];
  lines.push(`  MQTT        ${e.mqtt ?? '—'}`);
  lines.push(`  MQTT/TLS    ${e.mqtts ?? '— (no TLS frontend in this config)'}`);
  lines.push(`  dashboard   ${e.dashboard ?? '— (no dashboard frontend in this config)'}`);
  const admin = e['haproxy-runtime-api'] ?? e['ts-proxy-admin'];
  if (e['haproxy-runtime-api'])
    lines.push(`  HAProxy     runtime API ${admin}  (e.g. echo "show stat" | socat stdio unix-connect:${admin})`);
  else if (admin) lines.push(`  TS-proxy    admin API ${admin}`);
  else lines.push('  balancer    admin/stats: —');
  lines.push('', '  nodes (direct, bypassing the balancer):');
  for (const n of d.broker.nodes) lines.push(`    ${n.name.padEnd(6)} mqtt://${n.mqtt}   http://${n.http}`);
  const run = `--run ${info.runId}`;
  lines.push('', `  status:  mqtt-lb status            (or: mqtt-lb status ${run})`);
  lines.push(`  faults:  mqtt-lb fault kill node2  (verbs: kill, pause, resume, restart, stop)`);
  lines.push(`  stop:    mqtt-lb down              (or: mqtt-lb down ${run}); log: ${info.logFile}`);
  return `${lines.join('\n')}\n`;
}

function keeperScript(): string {
  return fileURLToPath(new URL('./keeper.js', import.meta.url));
}

export async function upCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', short: 'p', multiple: true },
      runtime: { type: 'string' },
      map: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.profile?.length) throw new UsageError('--profile is required');
  if (values.profile.length > 1)
    throw new UsageError('up takes one --profile (run several deployments with several `up`s)');
  const [profile, ...more] = loadProfiles(values.profile, { runtime: values.runtime, map: values.map });
  if (more.length)
    throw new ConfigError(
      `--profile ${values.profile[0]} is a folder of ${more.length + 1} profiles; up starts one deployment`,
      undefined,
      undefined,
      'pass one profile file',
    );
  await preflight(profile!);

  const runId = newRunId();
  const run = new RunDir(runId).create('up');
  const logFile = run.logFile('keeper');
  const fd = openSync(logFile, 'a');
  const args = [
    keeperScript(),
    '--profile',
    profile!.file,
    '--run',
    runId,
    ...(values.runtime ? ['--runtime', values.runtime] : []),
    ...(values.map ?? []).flatMap((m) => ['--map', m]),
  ];
  const keeper = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd, 'ipc'],
    env: { ...process.env, [RUN_ID_ENV]: runId },
  });
  closeSync(fd);
  progress(`run ${runId}: keeper pid ${keeper.pid} starting ${profile!.name} (log ${logFile})`);

  type Outcome =
    | Exclude<KeeperMessage, { type: 'progress' }>
    | { type: 'exit'; code: number | null }
    | { type: 'timeout' }
    | { type: 'interrupted' };
  const outcome = await new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'timeout' }), START_TIMEOUT_MS);
    const finish = (r: Outcome): void => {
      clearTimeout(timer);
      keeper.off('message', onMessage);
      keeper.off('exit', onExit);
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      resolve(r);
    };
    const onMessage = (m: KeeperMessage): void => {
      if (m.type === 'progress') progress(m.message);
      else finish(m);
    };
    const onExit = (code: number | null): void => finish({ type: 'exit', code });
    const onInterrupt = (): void => finish({ type: 'interrupted' });
    keeper.on('message', onMessage);
    keeper.on('exit', onExit);
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
  });

  if (outcome.type === 'ready') {
    keeper.disconnect();
    keeper.unref();
    process.stdout.write(values.json ? `${JSON.stringify(outcome.info, null, 2)}\n` : formatEndpoints(outcome.info));
    return 0;
  }
  // Not ready: make sure the keeper and whatever it started are gone (its process group; children die with it).
  if (keeper.exitCode === null) signalGroup(keeper.pid!, 'SIGTERM');
  if (outcome.type === 'error') {
    process.stderr.write(`mqtt-lb up: ${outcome.message}\n`);
    await waitExit(keeper);
    run.release();
    return outcome.config ? 2 : 1;
  }
  const why =
    outcome.type === 'timeout'
      ? `did not become ready within ${START_TIMEOUT_MS / 1000} s`
      : outcome.type === 'interrupted'
        ? 'interrupted'
        : `keeper exited (code ${outcome.code}) before it was ready`;
  await waitExit(keeper);
  process.stderr.write(`mqtt-lb up: ${why}\n--- ${logFile} (tail) ---\n${tail(logFile)}\n`);
  run.release();
  return outcome.type === 'interrupted' ? 130 : 1;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitExit(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      signalGroup(child.pid!, 'SIGKILL');
      resolve();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
