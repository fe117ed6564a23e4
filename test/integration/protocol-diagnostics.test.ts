/**
 * Protocol mistakes in the balancer config, run like a user runs them: the pubsub suite fails at once, and both the
 * failure message and a finding say what the balancer answered and name the config line that explains it.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { byName, errorFindings, type SuiteRun } from './cli-helpers.js';
import { fromBatch, runSuiteCliBatch } from '../helpers/cli-batch.js';

const PLACEMENT = 'connections through the balancer land on every node';
const MODE_HTTP = 'fixtures/broken/mode-http.yaml';
const SEND_PROXY = 'fixtures/broken/send-proxy-to-plain-node.yaml';
const SSL_PLAIN = 'fixtures/broken/ssl-on-plain-port.yaml';

let runs: Map<string, SuiteRun> | undefined;
/**
 * The three fixtures in one `mqtt-lb run`, the pubsub suite's first test only: the cases assert on it (every later
 * test fails the same way, each at its own connect deadline).
 */
beforeAll(async () => {
  runs = await runSuiteCliBatch([MODE_HTTP, SEND_PROXY, SSL_PLAIN], 'pubsub', ['-t', PLACEMENT], {
    built: ['harness/clients/mqtt.ts', 'harness/clients/protocol-findings.ts', 'harness/balancer/balancer.ts'],
    timeoutMsPerProfile: 100_000,
  });
}, 320_000);

describe('protocol diagnostics through the CLI', () => {
  test('mode http: "answered MQTT CONNECT with HTTP (HTTP/1.1 400 Bad request)", naming `mode http` (line 9), fast', () => {
    const { code, tests } = fromBatch(runs, MODE_HTTP);
    expect(code).toBe(1);
    const t = byName(tests, PLACEMENT);
    expect(t.status).toBe('failed');
    expect(errorFindings(t)[0]).toMatchObject({
      line: 9,
      file: expect.stringMatching(/fixtures\/broken\/mode-http\.cfg$/),
      title:
        'the balancer answered MQTT CONNECT with HTTP (HTTP/1.1 400 Bad request): frontend emqx_tcp runs in `mode http` (line 9)',
      remedy: expect.stringMatching(/^mode tcp/),
    });
    expect(t.failureMessages?.[0]).toMatch(/answered MQTT CONNECT with HTTP \(HTTP\/1\.1 400 Bad request\)/);
    expect(t.failureMessages?.[0]).toMatch(/mode-http\.cfg:9/);
    // Fails at the first connect, not at a connect deadline.
    expect(t.durationMs).toBeLessThan(5000);
  });

  test('send-proxy-v2 towards nodes without PROXY protocol: the silent close names the default-server line (23)', () => {
    const { code, tests } = fromBatch(runs, SEND_PROXY);
    expect(code).toBe(1);
    const t = byName(tests, PLACEMENT);
    expect(t.status).toBe('failed');
    const f = errorFindings(t)[0]!;
    expect(f).toMatchObject({ line: 23, file: expect.stringMatching(/send-proxy-to-plain-node\.cfg$/) });
    expect(f.title).toMatch(
      /closed the connection without answering MQTT CONNECT: backend emqx_tcp_back sends a PROXY/,
    );
    expect(f.remedy).toMatch(/trust_proxy: true/);
    expect(t.failureMessages?.[0]).toMatch(/send-proxy-to-plain-node\.cfg:23/);
    expect(t.durationMs).toBeLessThan(5000);
  });

  test('ssl on the plain MQTT port: the run is refused naming the bind line (40), without hanging', () => {
    const { code, summary } = fromBatch(runs, SSL_PLAIN);
    expect(code).toBe(1);
    expect(summary.suites.pubsub?.error).toMatch(
      /frontend emqx_tcp binds the plain MQTT port \(\*:1883, line 40\) with `ssl`, so plain MQTT clients cannot connect/,
    );
    // Without hanging: the profile's part of the batch stays within what its own run was given.
    expect(Date.parse(summary.run.finished) - Date.parse(summary.run.started)).toBeLessThan(100_000);
  });
});
