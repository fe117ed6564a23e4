/** `mqtt-lb status [--run <id>] [--json] [--all]`: what a running deployment looks like right now. */
import { parseArgs } from 'node:util';
import { callControl, KeeperUnreachableError } from './control.js';
import { controlSocketPath, readCurrent, readKeeperInfo, resolveUpRun, upRuns, type KeeperInfo } from './run-state.js';
import { ConfigError } from '../errors.js';
import type { StatusResult } from './keeper-status.js';
import { table } from './table.js';

function listAll(json: boolean): number {
  const current = readCurrent();
  const rows = upRuns().map((r) => ({
    runId: r.runId,
    current: r.runId === current,
    info: readKeeperInfo(r),
    owner: r.owner(),
  }));
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        rows.map((r) => ({
          runId: r.runId,
          current: r.current,
          profile: r.info?.profileName,
          startedAt: r.info?.startedAt ?? r.owner?.startedAt,
          ready: Boolean(r.info),
        })),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (!rows.length) {
    process.stdout.write('no deployment is up (start one with: mqtt-lb up --profile <file.yaml>)\n');
    return 0;
  }
  process.stdout.write(
    table(
      ['', 'Run', 'Profile', 'Started', 'MQTT'],
      rows.map((r) => [
        r.current ? '*' : '',
        r.runId,
        r.info?.profileName ?? '(starting)',
        r.info?.startedAt ?? r.owner?.startedAt ?? '',
        r.info?.deployment.endpoints.mqtt ?? '',
      ]),
    ),
  );
  return 0;
}

export function formatStatus(s: StatusResult): string {
  const lines: string[] = [];
  lines.push(
    `run ${s.runId} · profile ${s.profileName} · ${s.runtime} runtime · ${s.balancer.kind} ${s.balancer.version} · up ${s.uptimeS} s`,
  );
  lines.push(
    `endpoints: ${Object.entries(s.endpoints)
      .filter(([k]) => !k.startsWith('frontend '))
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')}`,
  );
  lines.push('', 'Nodes');
  lines.push(
    table(
      ['Node', 'MQTT', 'HTTP API', 'Process', 'API', '#Live conns', 'Last fault'],
      s.nodes.map((n) => [
        n.name,
        n.mqtt,
        n.http,
        n.process ? `${n.process.state}${n.process.pid ? ` (pid ${n.process.pid})` : ''}` : '—',
        n.api,
        n.liveConnections === undefined ? '—' : String(n.liveConnections),
        n.lastFault ? `${n.lastFault.verb} at ${n.lastFault.at.slice(11, 19)}` : '',
      ]),
    ),
  );
  lines.push('Balancer servers');
  if (s.serversError)
    lines.push(
      `  (${s.runtime === 'external' ? s.serversError : `the balancer view did not answer: ${s.serversError}`})`,
    );
  else if (!s.servers.length) lines.push('  (none reported)');
  else
    lines.push(
      table(
        ['Backend', 'Server', 'Node', 'State', 'Check', '#Current', '#Total'],
        s.servers.map((v) => [
          v.backend,
          v.name,
          v.node ?? '—',
          v.status,
          v.checkStatus,
          String(v.current),
          String(v.total),
        ]),
      ),
    );
  lines.push(`keeper pid ${s.keeperPid} · log ${s.logFile}`);
  return `${lines.join('\n')}\n`;
}

/** Shell exports that point an external-target profile (fixtures/profiles/external-loopback.yaml) at this deployment. */
export function envExports(runId: string, info: KeeperInfo): string {
  const d = info.deployment;
  const vars: Record<string, string | undefined> = {
    MQTT_LB_TARGET_RUN: runId,
    MQTT_LB_TARGET_MQTT: d.endpoints.mqtt,
    MQTT_LB_TARGET_MQTTS: d.endpoints.mqtts,
    MQTT_LB_TARGET_DASHBOARD: d.endpoints.dashboard,
  };
  for (const n of d.broker.nodes) vars[`MQTT_LB_TARGET_${n.name.toUpperCase()}`] = `http://${n.http}`;
  return Object.entries(vars)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `export ${k}='${v}'\n`)
    .join('');
}

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      env: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.all) return listAll(values.json!);
  const run = resolveUpRun(values.run);
  if (values.env) {
    const info = readKeeperInfo(run);
    if (!info)
      throw new ConfigError(
        `run ${run.runId} is not ready yet`,
        undefined,
        undefined,
        'wait for `mqtt-lb up` to return',
      );
    process.stdout.write(envExports(run.runId, info));
    return 0;
  }
  try {
    const status = (await callControl(controlSocketPath(run), { cmd: 'status' }, 15_000)) as StatusResult;
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return 0;
  } catch (err) {
    if (!(err instanceof KeeperUnreachableError)) throw err;
    const info = readKeeperInfo(run);
    process.stderr.write(`mqtt-lb status: run ${run.runId}: ${err.message}\n`);
    process.stderr.write(
      info
        ? `  its keeper (pid ${info.pid}) is gone or hung; log: ${info.logFile}\n`
        : '  it is still starting, or its start failed\n',
    );
    process.stderr.write(`  clean up with: mqtt-lb down --run ${run.runId}\n`);
    return 1;
  }
}
