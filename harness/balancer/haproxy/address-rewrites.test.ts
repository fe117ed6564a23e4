/** The production shapes the report lists apart from the server mapping: one row per rewritten line. */
import { describe, expect, test } from '@jest/globals';
import { addressRewritesOf, mapHaproxyConfig } from './map-config.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions } from '../../../test/helpers/haproxy.js';

describe('address rewrites for the report', () => {
  test('server-template, socket bind and peers lines are listed; ordinary binds, servers and process lines are not', async () => {
    const rows = async (rel: string): Promise<string[]> => {
      const { text, file } = fixture(rel);
      const m = await mapHaproxyConfig(text, file, mapOptions({ hostname: 'lb-a', socketDir: '/run/mlb' }));
      return addressRewritesOf(m).map((r) => `${r.line}: ${r.original} → ${r.asRun}`);
    };
    expect(await rows('real-world/good/10-server-template-dns.cfg')).toEqual([
      expect.stringMatching(
        /^35: server-template emqx 3 emqx-headless\S+ .* → server-template emqx 3 127\.0\.9\.1:1883 check/,
      ),
    ]);
    expect(await rows('real-world/good/13-unix-socket-promex.cfg')).toEqual([
      '20: bind unix@/var/run/haproxy/metrics.sock mode 660 → bind unix@/run/mlb/bind-20.sock mode 660',
    ]);
    expect(await rows('real-world/good/15-peers-ha-pair-sticky.cfg')).toEqual([
      '11: peer lb-a 10.0.0.21:10000 → peer lb-a 127.0.9.10:30000',
      '12: peer lb-b 10.0.0.22:10000 → peer lb-b 127.0.9.10:30001',
    ]);
    expect(await rows('real-world/good/08-rabbitmq-listen-stats-first.cfg')).toEqual([]);
  });
});
