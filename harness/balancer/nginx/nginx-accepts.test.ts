import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../../../test/helpers/files.js';
import { mapNginxConfig, nginxArgs } from './map-config.js';

/** A throw-away run directory with a self-signed certificate for the TLS fixtures. */
function runDir(): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlb-nginx-'));
  const cert = path.join(dir, 'server.pem');
  const key = path.join(dir, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  return { dir, cert, key };
}

describe('Debian nginx accepts the mapped config', () => {
  const good = readdirSync(path.resolve('fixtures/real-world/nginx/good'))
    .filter((f) => f.endsWith('.conf')) // the profiles beside them are not configs
    .map((f) => `real-world/nginx/good/${f}`);
  test.each(good)('nginx -t on the mapped %s', async (rel) => {
    const { text, file } = fixture(rel);
    const run = runDir();
    let port = 30000;
    const m = await mapNginxConfig(text, file, {
      nodeNames: ['node1', 'node2', 'node3'],
      explicit: [],
      resolve: (node, p) => ({ host: `127.0.9.${node.slice(4)}`, port: p }),
      placeBind: async () => ({ host: '127.0.9.10', port: port++ }),
      runDir: run.dir,
      tls: {
        mapCertificates: true,
        cert: run.cert,
        key: run.key,
        combined: run.cert,
        crtList: run.cert,
        clientCa: run.cert,
        ca: run.cert,
      },
    });
    const conf = path.join(run.dir, 'nginx.conf');
    writeFileSync(conf, m.text);
    const r = spawnSync('nginx', ['-t', ...nginxArgs(conf, run.dir)], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toMatch(/syntax is ok[\s\S]*test is successful/);
    expect(r.status).toBe(0);
  });
});
