/**
 * Tests that adapt to the config (issue items 3 and 6): placement through a weighted config opens enough connections
 * for its light servers; a per-server `maxconn` below the clients a fairness scenario opens ends in a finding that
 * names the limit and its line, within the test's own bound (never Jest's timeout).
 */
import { describe, expect, test } from '@jest/globals';
import { byName, errorFindings, runSuiteCli } from './cli-helpers.js';

describe('tests adapt to the config', () => {
  test('weights 80:10:10: "connections land on every node" passes, with enough clients for the light nodes', async () => {
    const { code, tests, log } = await runSuiteCli(
      'fixtures/profiles/haproxy-weighted-heavy.yaml',
      'pubsub',
      ['-t', 'land on every node'],
      { built: ['harness/clients/placement-expectation.ts'] },
    );
    const t = byName(tests, 'connections through the balancer land on every node');
    expect({ status: t.status, errors: errorFindings(t) }).toEqual({ status: 'passed', errors: [] });
    expect({ code, log: code === 0 ? '' : log.slice(-2000) }).toEqual({ code: 0, log: '' });
  }, 150_000);

  test('server maxconn 50 × 3 below 300 clients: the spread fails naming `maxconn 50` and its line, before the test bound', async () => {
    const started = Date.now();
    const { code, tests } = await runSuiteCli(
      'fixtures/real-world/broken/06-server-maxconn-50.yaml',
      'fairness',
      ['-t', 'static spread'],
      { built: ['harness/balancer/saturation.ts', 'harness/fairness/connect.ts'] },
    );
    const t = byName(tests, 'static spread');
    expect(code).toBe(1);
    expect(t.status).toBe('failed');
    expect(t.failureMessages?.join('\n') ?? '').not.toMatch(/Exceeded timeout/);
    expect(errorFindings(t)).toContainEqual(
      expect.objectContaining({
        title: expect.stringMatching(/^maxconn 50 on each of 3 servers = 150 connection slots for the 300 clients/),
        line: 26,
      }),
    );
    expect(Date.now() - started).toBeLessThan(170_000);
  }, 180_000);
});
