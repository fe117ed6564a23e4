/** Startup diagnostics: which servers become findings, what they say, when the wait ends, and how the report ranks them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { BalancerServerState, BalancerView, MappingEntry } from '../types.js';
import { parseHaproxyCfg } from './haproxy/parse.js';
import { haproxyFacts } from './haproxy/facts.js';
import { staticNginx } from './nginx/static.js';
import {
  MAX_STARTUP_WAIT_MS,
  NoServerUpError,
  awaitFirstChecks,
  checkStatusText,
  firstChecksBoundMs,
  requireAnUpServer,
  startupFindings,
} from './startup-checks.js';
import { rankedFindings, summaryVerdict } from '../report/verdict.js';
import { roundrobinSummary } from '../../test/helpers/report-fixtures.js';

const FILE = 'fixtures/broken/server-wrong-port.cfg';
const BACKEND = 'emqx_tcp_back';
const mapping: MappingEntry[] = [1, 2, 3].map((i) => ({
  backend: BACKEND,
  server: `emqx_node_${i}`,
  original: `emqx-node-${i}.invalid:${i === 3 ? 1884 : 1883}`,
  line: 19 + i,
  node: `node${i}`,
  mapped: `127.0.1.${i}:${i === 3 ? 1884 : 1883}`,
}));
const facts = haproxyFacts(parseHaproxyCfg(readFileSync(FILE, 'utf8'), FILE), mapping);

function server(i: number, status: string, checkStatus: string, extra: Partial<BalancerServerState> = {}) {
  return {
    backend: BACKEND,
    name: `emqx_node_${i}`,
    node: `node${i}`,
    status,
    checkStatus,
    lastChangeMs: undefined,
    current: 0,
    total: 0,
    ...extra,
  };
}

/** A view that answers each poll with the next list of states (the last one repeats). */
function viewOf(...answers: BalancerServerState[][]): BalancerView & { polls: number } {
  return {
    polls: 0,
    servers() {
      return Promise.resolve(answers[Math.min(this.polls++, answers.length - 1)]!);
    },
  };
}

const refused = { checkDetail: 'Connection refused' };

describe('startup checks', () => {
  test('the check status text carries code and detail', () => {
    expect(checkStatusText(server(3, 'DOWN', 'L4CON', refused))).toBe('L4CON (Connection refused)');
    expect(checkStatusText(server(3, 'DOWN', 'L7STS', { checkCode: '404', checkDetail: 'Not Found' }))).toBe(
      'L7STS 404 (Not Found)',
    );
    expect(checkStatusText(server(3, 'UP', 'INI'))).toBe('INI (no check result yet)');
  });

  test('the wait bound is inter × rise + check timeout + slack, never above the cap', () => {
    const s = facts.mqttBackend.servers[0]!;
    expect(firstChecksBoundMs(s)).toBe(1000 * 2 + 2000 + 2000);
    const slow = { ...s, check: { ...s.check, interMs: { value: 10_000 }, rise: { value: 3 } } };
    expect(firstChecksBoundMs(slow)).toBe(MAX_STARTUP_WAIT_MS);
  });

  test('a DOWN server becomes an error finding naming server, line, check status and the address as written', () => {
    const health = [server(1, 'UP', 'L4OK'), server(2, 'UP', 'L4OK'), server(3, 'DOWN', 'L4CON', refused)].map(
      (state) => ({ state, facts: facts.mqttBackend.servers.find((x) => x.name === state.name) }),
    );
    const findings = startupFindings(health, facts, mapping);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', file: FILE, line: 22 });
    expect(findings[0]!.title).toBe(
      `server emqx_node_3 (backend ${BACKEND}) is DOWN after its first health checks: L4CON (Connection refused)`,
    );
    expect(findings[0]!.remedy).toMatch(/emqx-node-3\.invalid:1884/);
    expect(() => requireAnUpServer(health, facts, mapping)).not.toThrow();
  });

  test('a DOWN server outside the MQTT backend on a port the nodes do not serve (8085) is a warning', () => {
    const ws: MappingEntry = {
      backend: 'emqx_ws_back',
      server: 'ws1',
      // 8085: EMQX 6.x CI's PROXY-protocol ws listener; the nodes serve ws on 8083 (and 8084), not there.
      original: 'emqx-node-1.invalid:8085',
      line: 40,
      node: 'node1',
      mapped: '127.0.1.1:8085',
    };
    const [f] = startupFindings(
      [{ state: { ...server(1, 'DOWN', 'L4CON', refused), backend: 'emqx_ws_back', name: 'ws1' } }],
      facts,
      [...mapping, ws],
    );
    expect(f).toMatchObject({
      severity: 'warning',
      title: expect.stringContaining(
        'backend emqx_ws_back is not tested: the harness nodes serve nothing on port 8085',
      ),
    });
  });

  test('no UP server in the MQTT backend → NoServerUpError naming each server and line', () => {
    const health = [1, 2, 3].map((i) => ({
      state: server(i, 'DOWN', 'L4CON', refused),
      facts: facts.mqttBackend.servers[i - 1],
    }));
    let err: unknown;
    try {
      requireAnUpServer(health, facts, mapping);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoServerUpError);
    for (const i of [1, 2, 3]) expect((err as Error).message).toContain(`${FILE}:${19 + i}: server emqx_node_${i} `);
    expect((err as NoServerUpError).findings).toHaveLength(3);
  });

  test('the wait ends once every server has a first result (a refused connection is final)', async () => {
    const view = viewOf(
      [server(1, 'UP', 'INI'), server(2, 'UP', 'INI'), server(3, 'UP', 'INI')],
      [server(1, 'UP', 'L4OK'), server(2, 'UP', 'INI'), server(3, 'DOWN', 'L4CON', refused)],
      [server(1, 'UP', 'L4OK'), server(2, 'UP', 'L4OK'), server(3, 'DOWN', 'L4CON', refused)],
    );
    const health = await awaitFirstChecks(view, facts, 5000);
    expect(view.polls).toBe(3);
    expect(health.map((h) => h.state.status)).toEqual(['UP', 'UP', 'DOWN']);
    expect(health[2]!.facts?.line).toBe(22);
  });

  test('a server still unchecked at the bound is returned as it is (and reported), not waited on forever', async () => {
    const started = Date.now();
    const health = await awaitFirstChecks(viewOf([server(1, 'UP', 'L4OK'), server(3, 'UP', 'INI')]), facts, 600);
    expect(Date.now() - started).toBeLessThan(5000);
    const findings = startupFindings(health, facts, mapping);
    expect(findings.map((f) => f.title)).toEqual([
      `server emqx_node_3 (backend ${BACKEND}) has no health check result within the startup wait: INI (no check result yet)`,
    ]);
  });
});

describe('startup findings in the report', () => {
  test('listed first, once, as the deployment’s (not again for a test that cites them), and they fail the profile', () => {
    const summary = roundrobinSummary();
    const finding = {
      severity: 'error' as const,
      title: 'server emqx_node_3 is DOWN after its first health checks: L4CON (Connection refused)',
      file: FILE,
      line: 22,
    };
    summary.deployment!.startup_findings = [finding];
    const first = Object.values(summary.suites)[0]!.tests[0]!;
    first.findings = [...first.findings, { ...finding }];
    const ranked = rankedFindings([summary]);
    expect(ranked[0]).toMatchObject({ scope: 'deployment', finding });
    expect(ranked.filter((f) => f.finding.title === finding.title)).toHaveLength(1);
    expect(summaryVerdict(summary)).toBe('failed');
  });
});

describe('passive checks only', () => {
  test('no first check to wait for: the bound is the slack only', async () => {
    const { facts } = await staticNginx(path.resolve('fixtures/real-world/nginx/broken/01-no-max-fails.conf'), 3);
    expect(firstChecksBoundMs(facts.mqttBackend.servers[0])).toBe(2000);
  });
});
