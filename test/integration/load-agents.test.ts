/**
 * Load agents as separate processes (the local launcher): 3 agents share one plan and their results merge exactly
 * (histogram counts add up to the client count, one ledger with no delivery lost across agents); an agent stops by
 * itself when its controller goes away, and at its hard time bound. The broker is an in-process aedes on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Aedes } from 'aedes';
import { startLoadRunner, type LoadRunner } from '../../harness/agents/runner.js';
import { LocalLauncher } from '../../harness/agents/launchers/local.js';
import { PhaseHistograms } from '../../harness/load/histograms.js';
import { ledgerTotals } from '../../harness/load/ledger.js';
import { builtFile } from '../../harness/util/project-root.js';
import { assertBuilt } from './cli-helpers.js';

let broker: Aedes;
let server: net.Server;
let port = 0;
let runner: LoadRunner | undefined;

beforeAll(async () => {
  assertBuilt('harness/agents/worker/main.ts', 'harness/agents/worker/agent.ts', 'harness/load/engine.ts');
  broker = await Aedes.createBroker();
  server = net.createServer((s) => broker.handle(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await runner?.shutdown();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
});

const counts = (encoded: Parameters<typeof PhaseHistograms.decode>[0]): PhaseHistograms =>
  PhaseHistograms.decode(encoded);

/** Runs the agent entry against a bare TCP "controller" and resolves with its exit code and how long it lived. */
function agentAgainst(
  onHello: (socket: net.Socket) => void,
  maxS: number,
): Promise<{ code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const ctl = net.createServer((socket) => socket.once('data', () => onHello(socket)));
    ctl.listen(0, '127.0.0.1', () => {
      const { port: p } = ctl.address() as net.AddressInfo;
      const t0 = Date.now();
      const child = spawn(
        process.execPath,
        [
          builtFile('harness/agents/worker/main.js'),
          '--controller',
          `127.0.0.1:${p}`,
          '--index',
          '0',
          '--max-s',
          String(maxS),
        ],
        { env: { ...process.env, MQTT_LB_AGENT_TOKEN: 't' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => void (stderr += String(c)));
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(killer);
        ctl.close();
        resolve({ code, ms: Date.now() - t0, stderr });
      });
    });
  });
}

describe('load agents (local child processes)', () => {
  test('3 agents: one merged result, histogram counts add up exactly to the client count', async () => {
    runner = await startLoadRunner({ agents: 3, launcher: 'local', namespace: 'default', max_s: 120 }, () =>
      Promise.resolve(new LocalLauncher()),
    );
    expect(runner.agents).toBe(3);
    expect(runner.limits()).toHaveLength(3);
    const held = await runner.ramp(
      {
        targets: [{ host: '127.0.0.1', port }],
        clients: 150,
        connectRate: 600,
        clientIdPrefix: 'agents-ramp-',
        sourcePool: { offset: 0, size: 6 },
      },
      30_000,
    );
    expect(held.parts.map((p) => p.result.clients)).toEqual([50, 50, 50]);
    expect(held.held).toBe(150);
    const merged = counts(held.result.histograms);
    for (const phase of ['tcp', 'connack'] as const) {
      const perAgent = held.parts.map((p) => counts(p.result.histograms).count(phase));
      expect(merged.count(phase)).toBe(perAgent.reduce((a, n) => a + n, 0));
      expect(merged.count(phase)).toBe(150);
    }
    await runner.closeAll();

    // A whole run with subscribers and publishers on different agents: the second barrier (every agent ramped
    // before anyone publishes) means nothing is lost, and the ledgers merge into one.
    const run = await runner.run(
      {
        targets: [{ host: '127.0.0.1', port }],
        clients: 30,
        connectRate: 600,
        clientIdPrefix: 'agents-run-',
        groups: 2,
        subscribe: { every: 3, filters: ['agents/{g}'], qos: 1 },
        publish: { every: 3, offset: 1, topic: 'agents/{g}', qos: 1, ratePerS: 20, count: 10, payloadBytes: 64 },
      },
      30_000,
    );
    expect(run.result.ready).toBe(30);
    expect(run.result.ledger.streams).toHaveLength(10);
    expect(run.result.ledger.subscribers).toHaveLength(10);
    // Alone, an agent's ledger cannot place deliveries from the others' publishers ("unexpected"); merged, every
    // delivery meets its stream: 10 publishers × 10 messages, each owed to the 5 subscribers of its group.
    expect(run.parts.some((p) => ledgerTotals(p.result.ledger)[1].unexpected > 0)).toBe(true);
    const q1 = ledgerTotals(run.result.ledger)[1];
    expect(q1).toMatchObject({ sent: 500, acked: 500, received: 500, lost: 0, duplicated: 0, unexpected: 0 });
    const e2e = run.parts.map((p) => counts(p.result.histograms).count('e2e'));
    expect(counts(run.result.histograms).count('e2e')).toBe(e2e.reduce((a, n) => a + n, 0));
    expect(counts(run.result.histograms).count('e2e')).toBe(500);
    await runner.shutdown();
    runner = undefined;
  }, 90_000);

  test('an agent whose controller goes away stops by itself', async () => {
    const r = await agentAgainst((s) => s.destroy(), 60);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/control connection closed/);
    expect(r.ms).toBeLessThan(20_000);
  }, 40_000);

  test('an agent stops at its hard time bound even when the controller stays silent', async () => {
    const r = await agentAgainst(() => undefined, 1);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/hard time bound 1000 ms reached/);
  }, 40_000);
});
