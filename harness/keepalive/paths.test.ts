import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import { staticBalancer } from '../balancer/static-facts.js';
import { staticNginx } from '../balancer/nginx/static.js';
import { websocketFindings } from '../balancer/websocket-findings.js';
import { transportList, type Transport } from '../clients/transport.js';
import { checkIdlePaths } from './static-check.js';
import { idlePaths } from './idle-paths.js';

async function profileCheck(profile: string) {
  const p = loadProfile(path.resolve('fixtures', profile));
  const read = (await staticBalancer(p))!;
  const paths = idlePaths(read.facts, read.endpoints, transportList(p.clients.transport));
  return {
    check: checkIdlePaths(paths, p.clients.keepalive_s, 1.5, read.facts.file),
    paths,
    keepalive: p.clients.keepalive_s,
  };
}

async function nginxCheck(rel: string, transports: Transport[], keepaliveS: number) {
  const file = path.resolve('fixtures/real-world/nginx', rel);
  const { facts, endpoints } = await staticNginx(file, 3);
  const paths = idlePaths(facts, endpoints, transports);
  return { check: checkIdlePaths(paths, keepaliveS, 1.5, file), paths, facts };
}

describe('static keepalive check on the path each transport takes', () => {
  test('HAProxy ws without `timeout tunnel`: `timeout client 50s` (line 19) is below 1.5 × 60 s, the missing tunnel named', async () => {
    const { check, paths, keepalive } = await profileCheck('broken/ws-no-timeout-tunnel.yaml');
    expect(keepalive).toBe(60);
    expect(paths.map((p) => [p.transport, p.backend])).toEqual([['ws', 'emqx_ws_back']]);
    expect(check.ok).toBe(false);
    const err = check.findings.find((f) => f.severity === 'error')!;
    expect(err.line).toBe(19);
    expect(err.title).toMatch(
      /^MQTT over WebSocket \(ws\), backend emqx_ws_back: `timeout client 50s` \(line 19\) is below 1\.5 × the MQTT keepalive \(60 s → 90 s\): idle clients are cut before their first PINGREQ/,
    );
    expect(err.detail).toMatch(/no `timeout tunnel` in backend emqx_ws_back \(line 36\)/);
    expect(err.remedy).toMatch(
      /^Raise `timeout tunnel` \(e\.g\. `timeout tunnel 1h`\) in backend emqx_ws_back \(line 36\) to at least 90 s/,
    );
  });

  test('HAProxy ws with `timeout tunnel 1h`: passes, the tunnel line named', async () => {
    const { check, paths } = await profileCheck('profiles/haproxy-ws.yaml');
    expect(paths[0]!.transport).toBe('ws');
    expect(check.ok).toBe(true);
    expect(check.effectiveMs).toBe(3_600_000);
    expect(check.findings[0]!.detail).toMatch(/`timeout tunnel` \(line \d+\) supersedes/);
  });

  test('tcp clients keep reading the MQTT backend (unchanged)', async () => {
    const { check, paths } = await profileCheck('broken/keepalive-short-timeout.yaml');
    expect(paths.map((p) => p.transport)).toEqual(['tcp']);
    expect(check.findings.find((f) => f.severity === 'error')).toMatchObject({ line: 18 });
  });

  test('NGINX stream `proxy_timeout 30s` (line 21) below 1.5 × 60 s', async () => {
    const { check } = await nginxCheck('broken/02-proxy-timeout-30s.conf', ['tcp'], 60);
    expect(check.ok).toBe(false);
    const err = check.findings.find((f) => f.severity === 'error')!;
    expect(err).toMatchObject({ line: 21 });
    expect(err.title).toMatch(/^`proxy_timeout 30s;` \(line 21\) is below 1\.5 × the MQTT keepalive \(60 s → 90 s\)/);
    expect(err.detail).toMatch(/NGINX stream: `proxy_timeout` \(30s, line 21\)/);
    expect(err.remedy).toMatch(/^Raise `proxy_timeout` \(line 21\) to at least 90 s/);
  });

  test('NGINX ws location with the proxy_read_timeout default (60 s) below 1.5 × 120 s, the location line named', async () => {
    const { check, paths } = await nginxCheck('broken/05-ws-read-timeout-default.conf', ['ws'], 120);
    expect(paths.map((p) => [p.transport, p.backend])).toEqual([['ws', 'emqxws']]);
    expect(check.ok).toBe(false);
    const err = check.findings.find((f) => f.severity === 'error')!;
    expect(err.line).toBe(34);
    expect(err.title).toMatch(
      /^MQTT over WebSocket \(ws\), location \/mqtt: `proxy_read_timeout` 60 s \(default, not set in location \/mqtt, line 34\) is below 1\.5 × the MQTT keepalive \(120 s → 180 s\)/,
    );
    expect(err.detail).toMatch(
      /`proxy_send_timeout` \(60s, default\) applies only while a write to the node is pending/,
    );
    expect(err.remedy).toMatch(/`proxy_read_timeout` \(and `proxy_send_timeout`\) in location \/mqtt \(line 34\)/);
    // its stream path (default proxy_timeout 10m) is fine for tcp clients
    expect((await nginxCheck('broken/05-ws-read-timeout-default.conf', ['tcp'], 120)).check.ok).toBe(true);
  });

  test('NGINX ws location with proxy_read_timeout 300s passes; a mix checks both paths', async () => {
    const { check } = await nginxCheck('good/05-websocket-location.conf', ['tcp', 'ws'], 120);
    expect(check.ok).toBe(true);
    expect(check.findings.map((f) => f.title)).toEqual([
      expect.stringMatching(/^MQTT\/TCP, stream server: Effective idle timeout/),
      expect.stringMatching(/^MQTT over WebSocket \(ws\), location \/mqtt: Effective idle timeout 300 s/),
    ]);
  });
});

describe('WebSocket readiness as findings', () => {
  test('an NGINX ws location without Upgrade headers: errors naming the location line', async () => {
    const { facts } = await staticNginx(
      path.resolve('fixtures/real-world/nginx/broken/04-websocket-no-upgrade.conf'),
      3,
    );
    const found = websocketFindings(facts);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatchObject({ severity: 'error', line: 35, remedy: '`proxy_http_version 1.1;`' });
    expect(found[0]!.title).toMatch(
      /^MQTT over WebSocket cannot pass the balancer: location \/mqtt \(line 35\) talks HTTP\/1\.0/,
    );
    const good = await staticNginx(path.resolve('fixtures/real-world/nginx/good/05-websocket-location.conf'), 3);
    expect(websocketFindings(good.facts)).toEqual([]);
  });
});

describe('TS-proxy (L4 pass-through) ws path', () => {
  test("the ws listener's backend and its idle timeout", async () => {
    const { check, paths } = await profileCheck('profiles/ts-proxy-ws.yaml');
    expect(paths.map((p) => p.transport)).toEqual(['ws']);
    expect(paths[0]!.backend).not.toBe('');
    expect(check.findings.length).toBeGreaterThan(0);
    expect(check.findings[0]!.title).toMatch(/^MQTT over WebSocket \(ws\), /);
  });
});
