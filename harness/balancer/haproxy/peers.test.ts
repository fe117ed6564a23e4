/** peers sections: local peer on a run-owned loopback address, remote peers on a dead loopback port. */
import { describe, expect, test } from '@jest/globals';
import { mapHaproxyConfig } from './map-config.js';
import { localPeerName } from './peers.js';
import { parseHaproxyCfg } from './parse.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions } from '../../../test/helpers/haproxy.js';

describe('peers', () => {
  test('the local peer is `localpeer` written before the peers section, else the hostname', () => {
    const withLocal = parseHaproxyCfg('global\n  localpeer lb-b\npeers p\n  peer lb-a 10.0.0.1:1\n', 'x.cfg');
    expect(localPeerName(withLocal, 'vm')).toBe('lb-b');
    const late = parseHaproxyCfg('peers p\n  peer lb-a 10.0.0.1:1\nglobal\n  localpeer lb-b\n', 'x.cfg');
    expect(localPeerName(late, 'vm')).toBe('vm');
  });

  test('good/15: lines 11 and 12 stay on loopback, line count kept, stick table untouched', async () => {
    const { text, file } = fixture('real-world/good/15-peers-ha-pair-sticky.cfg');
    const m = await mapHaproxyConfig(text, file, mapOptions({ hostname: 'lb-a' }));
    const out = m.text.split('\n');
    expect(out[10]).toBe('    peer lb-a 127.0.9.10:30000');
    expect(out[11]).toBe('    peer lb-b 127.0.9.10:30001');
    expect(out[29]).toBe(text.split('\n')[29]);
    expect(m.text).not.toMatch(/10\.0\.0\.2[12]/);
    expect(m.rewrites.filter((r) => r.line === 11 || r.line === 12).map((r) => r.why)).toEqual([
      expect.stringMatching(/^local peer 'lb-a'/),
      expect.stringMatching(/^remote peer 'lb-b'.*nothing listens/),
    ]);
    expect(m.binds.map((b) => b.port)).toEqual([30002]);
  });

  test('no peer named after this host: every peer is remote and the reason says HAProxy drops the section', async () => {
    const { text, file } = fixture('real-world/good/15-peers-ha-pair-sticky.cfg');
    const m = await mapHaproxyConfig(text, file, mapOptions({ hostname: 'ci-box' }));
    expect(m.rewrites.find((r) => r.line === 11)?.why).toMatch(
      /^remote peer 'lb-a'.*no peer here is named 'ci-box': HAProxy drops the section/,
    );
  });

  test('peers written as bind + server lines are mapped too', async () => {
    const text =
      'peers p\n  bind 10.0.0.1:10000\n  server me\n  server other 10.0.0.2:10000\nfrontend f\n  bind :1883\n  default_backend b\nbackend b\n  server s x:1883\n';
    const m = await mapHaproxyConfig(text, 'x.cfg', mapOptions({ hostname: 'me' }));
    expect(m.text.split('\n').slice(1, 4)).toEqual([
      '  bind 127.0.9.10:30000',
      '  server me',
      '  server other 127.0.9.10:30001',
    ]);
  });
});
