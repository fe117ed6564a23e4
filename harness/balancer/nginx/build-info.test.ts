import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { parseNginxV } from './build-info.js';
import { DEBIAN_STREAM_MODULE } from './map-config.js';

describe('nginx -V', () => {
  test("this machine's Debian nginx has a loadable stream module at the path the mapping loads", () => {
    const r = spawnSync('nginx', ['-V'], { encoding: 'utf8', timeout: 10_000 });
    const info = parseNginxV(r.stderr);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info).toMatchObject({ stream: 'dynamic', prefix: '/usr/share/nginx', streamModule: DEBIAN_STREAM_MODULE });
  });
  test('built-in and missing stream modules', () => {
    expect(
      parseNginxV(
        'nginx version: nginx/1.25.3\nconfigure arguments: --prefix=/etc/nginx --with-stream --with-stream_ssl_module',
      ),
    ).toMatchObject({
      stream: 'static',
      streamModule: null,
      modulesPath: '/etc/nginx/modules',
    });
    expect(parseNginxV('nginx version: nginx/1.18.0\nconfigure arguments: --with-http_ssl_module').stream).toBe(
      'absent',
    );
  });
});
