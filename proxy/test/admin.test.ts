/**
 * Integration: admin API (servers, status, metrics, drain/disable/enable, bearer token).
 */
import { describe, expect, test } from '@jest/globals';
import { rawServer } from './helpers/clients.js';
import { connectClient, using } from './helpers/l4.js';
import { sendRaw } from './helpers/proxy-env.js';
import { waitFor } from './helpers/wait.js';

describe('admin API', () => {
  const yaml = (token: string) => `
admin: { bind: "127.0.0.1:0", token: ${token} }
frontends: [{ name: mqtt, bind: "127.0.0.1:0", backend: be, inspect: none }]
backends:
  - name: be
    health: { type: none }
    servers: [{ name: s1, address: "ADDR", weight: 3 }, { name: s2, address: "ADDR" }]
`;
  test('servers, status, metrics; drain / disable / enable change routing', async () => {
    const server = await rawServer(() => undefined);
    await using(yaml('null').replaceAll('ADDR', server.address), async (env) => {
      const get = async (p: string) => (await fetch(env.adminUrl() + p)).json() as Promise<any>;
      const post = (p: string) => fetch(env.adminUrl() + p, { method: 'POST' });
      const servers = await get('/api/servers');
      expect(servers).toEqual([
        expect.objectContaining({
          backend: 'be',
          name: 's1',
          address: server.address,
          status: 'UP',
          checkStatus: '',
          current: 0,
          total: 0,
          bytesIn: 0,
          bytesOut: 0,
          weight: 3,
        }),
        expect.objectContaining({ backend: 'be', name: 's2', status: 'UP', weight: 1 }),
      ]);
      expect(typeof servers[0].lastChange).toBe('number');
      const status = await get('/api/status');
      expect(status).toMatchObject({
        version: expect.any(String),
        uptimeMs: expect.any(Number),
        frontends: [expect.objectContaining({ name: 'mqtt', address: `127.0.0.1:${env.port()}` })],
      });

      expect(((await (await post('/api/servers/be/s1/drain')).json()) as { status: string }).status).toBe('DRAIN');
      expect(((await (await post('/api/servers/be/s2/disable')).json()) as { status: string }).status).toBe('MAINT');
      expect(env.logs.filter((l) => l.event === 'server-state' && l.source === 'admin').map((l) => l.to)).toEqual([
        'DRAIN',
        'MAINT',
      ]);
      const r = await sendRaw(env.port(), null, 2_000);
      expect(r.closed).toBe(true);
      await env.waitForLog((l) => l.reason === 'no-server', 'no-server line');
      await post('/api/servers/be/s2/enable');
      const c = await connectClient(env.port());
      await waitFor(async () => (await get('/api/servers'))[1].current === 1, 's2 takes it');

      const metrics = await (await fetch(env.adminUrl() + '/metrics')).text();
      expect(metrics).toContain('tsproxy_server_current_sessions{backend="be",server="s2"} 1');
      expect(metrics).toContain('tsproxy_server_status{backend="be",server="s1",status="DRAIN"} 1');
      expect(metrics).toMatch(/^# TYPE tsproxy_frontend_sessions_total counter$/m);
      c.destroy();

      expect((await post('/api/servers/be/nope/drain')).status).toBe(404);
      expect((await post('/api/servers/be/s1/explode')).status).toBe(404);
      expect((await fetch(env.adminUrl() + '/api/servers/be/s1/drain')).status).toBe(405);
    });
    await server.close();
  });

  test('bearer token is enforced when configured', async () => {
    const server = await rawServer(() => undefined);
    await using(yaml('"s3cret"').replaceAll('ADDR', server.address), async (env) => {
      expect((await fetch(env.adminUrl() + '/api/servers')).status).toBe(401);
      expect((await fetch(env.adminUrl() + '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
      const ok = await fetch(env.adminUrl() + '/api/servers', { headers: { authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
    });
    await server.close();
  });
});
