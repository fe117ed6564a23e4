/**
 * The NGINX kind without a running nginx: nginx's error lines mapped back to the user's file and line, the view's
 * stub_status reading and its plain statement of what NGINX cannot report, the stub_status page added to the mapped
 * config (line-preserving), the process and container recipes, the image files, and the missing 'balancer-view'.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { dryPlacement } from '../dry-placement.js';
import { IMAGES } from '../../docker/images.js';
import { loadProfile } from '../../profile/load.js';
import { resolveAbilities } from '../../abilities.js';
import { nginxKind, NGINX_STATUS_PATH } from './kind.js';
import { explainNginxMessages, explainNginxStartFailure, NGINX_CFG_PATH } from './start-failure.js';
import { describeStubStatus, NGINX_VIEW_LACKS, NginxView, parseStubStatus } from './view.js';

const STUB = 'Active connections: 3 \nserver accepts handled requests\n 17 17 5 \nReading: 0 Writing: 1 Waiting: 2 \n';
const GUIDE = path.resolve('fixtures/real-world/nginx/good/01-emqx-guide-stream.conf');
const WS = path.resolve('fixtures/real-world/nginx/good/05-websocket-location.conf');

describe('nginx start failures', () => {
  test('an [emerg] line on the mapped config names the user file and line', () => {
    const err = explainNginxMessages(
      'nginx: [emerg] unknown directive "proxy_passs" in /tmp/run/nginx/nginx.conf:27\nnginx: configuration file /tmp/run/nginx/nginx.conf test failed\n',
      '/tmp/run/nginx/nginx.conf',
      '/home/me/nginx.conf',
      'nginx -t rejected the config',
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.file).toBe('/home/me/nginx.conf');
    expect(err!.line).toBe(27);
    expect(err!.message).toBe('nginx -t rejected the config: unknown directive "proxy_passs"');
  });

  test('an error in an included file keeps that file; a line-less error finds the line naming its value', () => {
    const inc = explainNginxMessages(
      '2026/12/07 01:00:00 [emerg] 12#12: invalid number of arguments in "listen" directive in /etc/nginx/conf.d/mqtt.conf:4',
      '/run/nginx.conf',
      GUIDE,
      'NGINX did not start',
    );
    expect([inc!.file, inc!.line]).toEqual(['/etc/nginx/conf.d/mqtt.conf', 4]);
    const cert = explainNginxMessages(
      'nginx: [emerg] cannot load certificate "/etc/nginx/certs/cert.pem": BIO_new_file() failed',
      '/run/nginx.conf',
      GUIDE,
      'nginx -t rejected the config',
    );
    const lines = readFileSync(GUIDE, 'utf8').split('\n');
    expect(lines[cert!.line! - 1]).toMatch(/ssl_certificate \/etc\/nginx\/certs\/cert\.pem;/);
  });

  test('a start failure without nginx error lines is returned as it was; a container log names the user file', () => {
    const plain = new Error('nginx exited (code 1) during startup');
    expect(explainNginxStartFailure(plain, '/run/nginx.conf', GUIDE)).toBe(plain);
    const bind = explainNginxStartFailure(
      new Error(`[emerg] 1#1: bind() to 0.0.0.0:1883 failed (98: Address already in use) in ${NGINX_CFG_PATH}:25`),
      NGINX_CFG_PATH,
      GUIDE,
    ) as ConfigError;
    expect([bind.file, bind.line]).toEqual([GUIDE, 25]);
    expect(bind.fix).toMatch(/another process holds that address/);
  });
});

describe('nginx view', () => {
  test('stub_status is read; the view says plainly that per-server state is not reported', async () => {
    expect(parseStubStatus(STUB)).toEqual({
      active: 3,
      accepts: 17,
      handled: 17,
      requests: 5,
      reading: 0,
      writing: 1,
      waiting: 2,
    });
    expect(parseStubStatus('<html>not found</html>')).toBeUndefined();
    expect(describeStubStatus(parseStubStatus(STUB)!)).toMatch(
      /^NGINX stub_status: 3 active connection\(s\).*totals only/,
    );
    const view = new NginxView('http://127.0.0.1:1/none');
    expect(view.lacks).toBe(NGINX_VIEW_LACKS);
    expect(NGINX_VIEW_LACKS).toMatch(/does not report the state of each upstream server/);
    await expect(view.servers()).rejects.toThrow(NGINX_VIEW_LACKS);
  });

  test("a profile with balancer.kind nginx lacks 'balancer-view', with that reason", async () => {
    const { abilities } = await resolveAbilities(loadProfile('fixtures/profiles/nginx-stream.yaml'));
    expect(abilities['balancer-view']).toBe(NGINX_VIEW_LACKS);
    expect(abilities['balancer-facts']).toBe(true);
  });
});

describe('nginx mapping for a run', () => {
  test('the stub_status page goes into the http block on its own line; line numbers are kept', async () => {
    const text = readFileSync(WS, 'utf8');
    const mapped = await nginxKind.map(text, WS, { ...dryPlacement(3, []), runDir: '/tmp/run/nginx' });
    const asRun = mapped.text.split('\n');
    expect(asRun.length).toBe(text.split('\n').length);
    const httpLine = text.split('\n').findIndex((l) => /^http \{/.test(l));
    expect(asRun[httpLine]).toContain(`location = ${NGINX_STATUS_PATH} { stub_status;`);
    expect(asRun[0]).toMatch(/^daemon off; pid \/tmp\/run\/nginx\/nginx\.pid;.*error_log stderr notice;/);
    expect(nginxKind.adminAddress(mapped)).toBe(`http://127.0.1.10:${mapped.admin.port}${NGINX_STATUS_PATH}`);
    expect(nginxKind.adminAddress(mapped, { host: '127.0.0.1', port: 32768 })).toBe(
      `http://127.0.0.1:32768${NGINX_STATUS_PATH}`,
    );
    expect(mapped.binds.map((b) => b.original)).toEqual(expect.arrayContaining(['1883', '8083', '18083']));
  });

  test('a stream-only config gets an http block for the page after its last line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-kind-'));
    const file = path.join(dir, 'nginx.conf');
    const text =
      'events {}\nstream {\n  upstream u { server 10.0.0.1:1883; }\n  server { listen 1883; proxy_pass u; }\n}\n';
    writeFileSync(file, text);
    const mapped = await nginxKind.map(text, file, dryPlacement(1, []));
    const asRun = mapped.text.split('\n');
    expect(asRun[3]).toMatch(/listen 127\.0\.1\.10:\d+;/);
    expect(asRun.at(-2)).toMatch(/^http \{ server \{ listen 127\.0\.1\.10:\d+; .*stub_status;/);
  });
});

describe('nginx recipes', () => {
  test('process: nginx in the foreground from the run directory, nginx -v for doctor, SIGHUP confirmed by new workers', () => {
    const p = nginxKind.process;
    expect(p.launch('/tmp/run/nginx/nginx.conf')).toEqual({
      command: 'sh',
      aptPackage: 'nginx libnginx-mod-stream',
      args: [
        '-c',
        'exec "$0" "$@" 2>&1',
        'nginx',
        ...['-p', '/tmp/run/nginx', '-e', '/tmp/run/nginx/error.log', '-c', '/tmp/run/nginx/nginx.conf'],
      ],
    });
    expect(p.program).toMatchObject({ bin: 'nginx', args: ['-v'], apt: 'nginx libnginx-mod-stream' });
    expect(p.program!.version.exec('nginx version: nginx/1.22.1')?.[1]).toBe('1.22.1');
    const reload = p.reload;
    if (!('signal' in reload) || !('logLine' in reload.confirm)) throw new Error('expected a signal reload');
    expect(reload.signal).toBe('SIGHUP');
    const ok = '2026/12/07 01:00:00 [notice] 7#7: start worker process 812';
    const bad = '2026/12/07 01:00:00 [emerg] 7#7: unknown directive "x" in /run/nginx.conf:3';
    expect([reload.confirm.logLine.test(ok), reload.confirm.failed.test(ok)]).toEqual([true, false]);
    expect([reload.confirm.logLine.test(bad), reload.confirm.failed.test(bad)]).toEqual([true, true]);
  });

  test('container: the built Debian image, its config path and command, the Dockerfile and build script', () => {
    const c = nginxKind.container;
    expect(IMAGES[c.image.built as keyof typeof IMAGES]).toBe('mqtt-lb/nginx:1.22');
    expect(c.cfgPath).toBe(NGINX_CFG_PATH);
    expect(c.command).toEqual(['nginx', '-p', '/tmp', '-e', '/tmp/error.log', '-c', NGINX_CFG_PATH]);
    const dockerfile = readFileSync('docker/nginx/Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends nginx libnginx-mod-stream/);
    expect(dockerfile).toContain(`"-c", "${NGINX_CFG_PATH}"`);
    expect(readFileSync('scripts/docker/build-images.sh', 'utf8')).toMatch(/build_simple nginx "\$IMG_NGINX"/);
  });
});
