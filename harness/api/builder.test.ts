/** The builder's validation: the profile schema and the balancer preflight of `mqtt-lb run`, errors at the file:line. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { MqttLbDeployment } from './builder.js';
import { faultOf } from './fault-words.js';
import { ConfigError } from '../errors.js';
import { loadProfile } from '../profile/load.js';
import { preflight } from '../cli/args.js';
import { projectRoot } from '../util/project-root.js';

const HERE = fileURLToPath(import.meta.url);
const lineOf = (marker: string): number =>
  readFileSync(HERE, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;

async function startError(b: MqttLbDeployment): Promise<ConfigError> {
  const err = await b.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

test('a bad value is reported at the line of the call that set it', async () => {
  const b = new MqttLbDeployment()
    .withBroker('standin', { nodes: 12 }) // MARK-nodes
    .withBalancer('haproxy', { config: 'fixtures/haproxy/production/emqx-roundrobin.cfg' });
  const err = await startError(b);
  expect(err.file).toBe(HERE);
  expect(err.line).toBe(lineOf('MARK-nodes'));
  expect(err.message).toMatch(/^profile: broker\.nodes: /);
});

test('a missing balancer config names the withBalancer call and the resolved path', async () => {
  const err = await startError(
    new MqttLbDeployment().withBalancer('haproxy', { config: 'no/such/haproxy.cfg' }), // MARK-config
  );
  expect([err.file, err.line]).toEqual([HERE, lineOf('MARK-config')]);
  expect(err.message).toBe(`balancer.config: file not found: ${path.resolve('no/such/haproxy.cfg')}`);
});

test('a bad map entry names the withMap call; no balancer at all names the start() call', async () => {
  const bad = await startError(
    new MqttLbDeployment()
      .withBalancer('haproxy', { config: 'fixtures/haproxy/production/emqx-roundrobin.cfg' })
      .withMap('emqx-node-1.invalid:1883', 'first'), // MARK-map
  );
  expect([bad.file, bad.line, bad.message]).toEqual([
    HERE,
    lineOf('MARK-map'),
    'profile: balancer.map.0: expected "host:port=nodeN"',
  ]);
  const none = new MqttLbDeployment().withBroker('standin');
  const err = (await none.start().catch((e: unknown) => e)) as ConfigError; // MARK-start
  expect(err).toBeInstanceOf(ConfigError);
  expect([err.file, err.line]).toEqual([HERE, lineOf('MARK-start')]);
});

test('an unmapped upstream is refused with the same file:line error as the CLI', async () => {
  const cfg = path.join(projectRoot(), 'fixtures/broken/unmapped-server.cfg');
  const cli = await preflight(loadProfile(path.join(projectRoot(), 'fixtures/broken/unmapped-server.yaml'))).then(
    () => undefined,
    (e: unknown) => e as ConfigError,
  );
  const api = await startError(
    new MqttLbDeployment().withRuntime('local').withBalancer('haproxy', { config: path.relative(process.cwd(), cfg) }),
  );
  expect(cli).toBeInstanceOf(ConfigError);
  expect([api.file, api.line]).toEqual([cfg, 8]);
  expect(api.format()).toBe(cli!.format());
});

test('fault words are the CLI verbs, with the CLI messages', () => {
  expect(faultOf('kill', 'node2')).toEqual({ kind: 'process', verb: 'kill' });
  expect(faultOf('delay 200 50', 'node2')).toEqual({
    kind: 'network',
    fault: { verb: 'delay', ms: 200, jitterMs: 50 },
  });
  expect(faultOf({ verb: 'loss', pct: 10 }, 'node1')).toEqual({ kind: 'network', fault: { verb: 'loss', pct: 10 } });
  expect(() => faultOf('explode' as never, 'node1')).toThrow(/unknown fault verb 'explode': choose from kill, pause/);
  expect(() => faultOf('loss' as never, 'node1')).toThrow(/expected: loss <node> <pct>/);
});
