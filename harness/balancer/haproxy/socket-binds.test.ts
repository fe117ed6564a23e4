/** Socket binds move into the run directory, line for line, and never count as MQTT endpoints. */
import { describe, expect, test } from '@jest/globals';
import { mapHaproxyConfig } from './map-config.js';
import { runSocketFor } from './socket-binds.js';
import { ConfigError } from '../../errors.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions } from '../../../test/helpers/haproxy.js';

describe('socket binds', () => {
  test('unix@, plain paths and abns@ get run-owned replacements', () => {
    expect(runSocketFor('unix@/var/run/haproxy/metrics.sock', 20, 0, '/run/x')).toBe('unix@/run/x/bind-20.sock');
    expect(runSocketFor('/var/run/a.sock', 7, 1, '/run/x')).toBe('/run/x/bind-7-2.sock');
    expect(runSocketFor('abns@local', 7, 0, '/run/x')).toMatch(/^abns@mqtt-lb-[0-9a-f]{10}-local$/);
    expect(runSocketFor('abns@local', 7, 0, '/run/y')).not.toBe(runSocketFor('abns@local', 7, 0, '/run/x'));
  });

  test("good/13: line 20 moves to the run directory, the user's path is gone, only the TCP frontend is a bind", async () => {
    const { text, file } = fixture('real-world/good/13-unix-socket-promex.cfg');
    const m = await mapHaproxyConfig(text, file, mapOptions({ socketDir: '/run/mlb' }));
    expect(m.text.split('\n')[19]).toBe('    bind unix@/run/mlb/bind-20.sock mode 660');
    expect(m.text).not.toMatch(/\/var\/run\/haproxy\/metrics\.sock/);
    expect(m.rewrites.find((r) => r.line === 20)?.why).toMatch(
      /socket bind moved to the run directory.*not an MQTT endpoint/,
    );
    expect(m.binds.map((b) => b.frontend)).toEqual(['mqtt']);
  });

  test('the default socket directory is the runtime API socket directory', async () => {
    const text =
      'frontend m\n  bind /var/run/m.sock\nfrontend f\n  bind :1883\n  default_backend b\nbackend b\n  server s x:1883\n';
    const m = await mapHaproxyConfig(text, 'x.cfg', mapOptions({ statsSocket: '/r/haproxy/api.sock' }));
    expect(m.text.split('\n')[1]).toBe('  bind /r/haproxy/bind-2.sock');
  });

  test('inherited sockets (fd@, sockpair@) are still refused', async () => {
    const text = 'frontend f\n  bind fd@3\nbackend b\n  server s x:1883\n';
    await expect(mapHaproxyConfig(text, 'x.cfg', mapOptions())).rejects.toBeInstanceOf(ConfigError);
  });
});
