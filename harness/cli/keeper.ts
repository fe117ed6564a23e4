/**
 * The process behind `mqtt-lb up`: started detached (own session, output to <run dir>/logs/keeper.log), it starts
 * the deployment, serves the control socket for status/fault/down, and stops everything when told to (or on
 * SIGTERM/SIGINT/SIGHUP). It tells the `up` command "ready" or its error over the IPC channel, when there is one.
 *
 *   node dist/harness/cli/keeper.js --profile <file> --run <id> [--runtime <name>] [--map host:port=nodeN]…
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Server } from 'node:net';
import { loadProfiles } from './args.js';
import { ControlUsageError, serveControl, type ControlRequest } from './control.js';
import {
  blockLocksOf,
  clearCurrentIf,
  controlSocketPath,
  setCurrent,
  writeKeeperInfo,
  type KeeperInfo,
} from './run-state.js';
import { keeperStatus, type FaultRecord } from './keeper-status.js';
import { validateFault } from './fault-command.js';
import { validateNetFault, describeNetFault } from '../netfault/fault.js';
import { NetFaultUnavailableError } from '../netfault/mechanism.js';
import { startDeployment } from '../deployment.js';
import { RunDir } from '../proc/run-dir.js';
import { signalExitCode, STOP_SIGNALS } from '../proc/signals.js';
import { isConfigError } from '../errors.js';
import { summarizeDeployment } from '../suite/deployment-summary.js';
import type { Deployment } from '../types.js';
import { logFailure } from '../util/best-effort.js';

export type KeeperMessage =
  | { type: 'progress'; message: string }
  | { type: 'ready'; info: KeeperInfo }
  | { type: 'error'; message: string; config: boolean };

function tell(msg: KeeperMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

function log(message: string): void {
  process.stderr.write(`[keeper ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function say(message: string): void {
  log(message);
  void tell({ type: 'progress', message });
}

/** A network fault through the deployment: validated by the one schema, answered with the mechanism that made it. */
async function netFault(
  deployment: Deployment,
  req: Extract<ControlRequest, { cmd: 'netfault' }>,
  faults: Map<string, FaultRecord>,
): Promise<{ result: unknown }> {
  let fault;
  try {
    fault = validateNetFault(req.fault);
  } catch (err) {
    throw new ControlUsageError((err as Error).message);
  }
  validateFault(
    fault.verb,
    req.node,
    deployment.nodes.map((n) => n.name),
  );
  if (!deployment.netFault)
    throw new NetFaultUnavailableError(`this ${deployment.runtime} deployment has no network faults`);
  const t0 = Date.now();
  log(`fault ${describeNetFault(fault)} ${req.node}`);
  const receipt = await deployment.netFault(req.node, fault);
  log(`  ${receipt.mechanism}: ${receipt.detail}`);
  faults.set(req.node, { verb: fault.verb, at: receipt.at, mechanism: receipt.mechanism, detail: receipt.detail });
  return { result: { node: req.node, verb: fault.verb, ms: Date.now() - t0, receipt } };
}

async function keep(runId: string, deployment: Deployment & { runDir: RunDir }, info: KeeperInfo): Promise<Server> {
  const faults = new Map<string, FaultRecord>();
  let stopping = false;
  const server = await serveControl(info.socket, async (req) => {
    if (req.cmd === 'status') return { result: await keeperStatus(deployment, info, faults) };
    if (req.cmd === 'fault') {
      validateFault(
        req.verb,
        req.node,
        deployment.nodes.map((n) => n.name),
      );
      const t0 = Date.now();
      log(`fault ${req.verb} ${req.node}`);
      await deployment.fault(req.node, req.verb);
      faults.set(req.node, { verb: req.verb, at: new Date().toISOString() });
      return { result: { node: req.node, verb: req.verb, ms: Date.now() - t0 } };
    }
    if (req.cmd === 'netfault') return netFault(deployment, req, faults);
    if (req.cmd === 'down') {
      if (!stopping) {
        stopping = true;
        log('down: stopping the deployment');
        await deployment.stop();
        server.close();
        clearCurrentIf(runId);
      }
      return { result: { stopped: runId }, after: () => process.exit(0) };
    }
    throw new Error(`unknown request ${JSON.stringify(req)}`);
  });
  return server;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      profile: { type: 'string' },
      run: { type: 'string' },
      runtime: { type: 'string' },
      map: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const runId = values.run!;
  const run = new RunDir(runId);
  const cleanupOnExit = (): void => {
    run.release();
    for (const lock of blockLocksOf(runId)) rmSync(lock, { force: true });
    clearCurrentIf(runId);
  };
  process.on('exit', cleanupOnExit);
  process.on('disconnect', () => log('the up command detached; keeping the deployment running'));
  let deployment: (Deployment & { runDir: RunDir }) | undefined;
  try {
    const [profile] = loadProfiles([values.profile!], { runtime: values.runtime, map: values.map });
    deployment = await startDeployment(profile!, { runId, mode: 'up', progress: say });
    const info: KeeperInfo = {
      runId,
      pid: process.pid,
      profile: profile!.file,
      profileName: profile!.name,
      startedAt: new Date().toISOString(),
      socket: controlSocketPath(run),
      logFile: run.logFile('keeper'),
      deployment: summarizeDeployment(deployment),
    };
    await keep(runId, deployment, info);
    writeKeeperInfo(run, info);
    setCurrent(runId);
    const onSignal = (signal: NodeJS.Signals): void => {
      log(`${signal}: stopping`);
      process.exit(signalExitCode(signal));
    };
    // Registered after startDeployment: its own handler (harness/proc/signals.ts: kill every process of the run,
    // remove its containers, exit 128 + signal) runs first; this one covers deployments without processes (external).
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    log(`ready: run ${runId}, control socket ${info.socket}`);
    await tell({ type: 'ready', info });
  } catch (err) {
    const config = isConfigError(err);
    const message = config ? err.format() : ((err as Error).stack ?? String(err));
    log(`failed to start: ${message}`);
    await tell({ type: 'error', message: config ? message : (err as Error).message, config });
    await deployment?.stop().catch(logFailure('stopping the deployment'));
    process.exitCode = config ? 2 : 1;
    process.disconnect?.();
  }
}

await main();
