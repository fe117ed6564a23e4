import { describe, expect, test } from '@jest/globals';
import { haproxyFactsOfText } from '../../test/helpers/haproxy.js';
import { connectLimits, saturationFinding } from './saturation.js';

const cfg = (serverOpts: string, extra = ''): string => `global
    maxconn 200000
    log 10.0.0.5:514 local0
defaults
    mode tcp
    timeout connect 5s
    timeout client 3h
    timeout server 3h
${extra}
frontend mqtt
    bind *:1883
    maxconn 50000
    default_backend emqx
backend emqx
    balance leastconn
    timeout queue 4s
    server emqx1 emqx1.prod.invalid:1883 check ${serverOpts}
    server emqx2 emqx2.prod.invalid:1883 check ${serverOpts}
    server emqx3 emqx3.prod.invalid:1883 check ${serverOpts}
`;

describe('saturation', () => {
  test('per-server maxconn below the clients a test opens: names the limit, its line and the numbers', async () => {
    const facts = await haproxyFactsOfText(cfg('maxconn 50 maxqueue 10'), '/etc/haproxy/haproxy.cfg');
    const limits = connectLimits(facts.mqttBackend);
    expect(limits.map((l) => [l.what, l.slots])).toEqual([
      ['maxconn 50 on each of 3 servers', 150],
      ['frontend maxconn 50000', 50000],
      ['global maxconn 200000', 200000],
    ]);
    const f = saturationFinding(facts.mqttBackend, facts.file, 300, 150)!;
    expect(f.severity).toBe('error');
    expect(f.title).toBe(
      'maxconn 50 on each of 3 servers = 150 connection slots for the 300 clients this test opens: 150 connected',
    );
    expect(f.line).toBe(17);
    expect(f.detail).toContain('4000 ms');
    expect(f.detail).toContain('maxqueue');
  });

  test('only UP servers count; backups never', async () => {
    const facts = await haproxyFactsOfText(cfg('maxconn 200'), 'h.cfg');
    expect(connectLimits(facts.mqttBackend, new Set(['emqx1']))[0]).toMatchObject({ slots: 200 });
    expect(saturationFinding(facts.mqttBackend, 'h.cfg', 300, 290)?.title).toBeUndefined();
    expect(saturationFinding(facts.mqttBackend, 'h.cfg', 300, 200, new Set(['emqx1']))?.line).toBe(17);
  });

  test('a server without maxconn leaves only the frontend and global limits; rate-limit sessions is named', async () => {
    const facts = await haproxyFactsOfText(cfg('', '    rate-limit sessions 5'), 'h.cfg');
    expect(connectLimits(facts.mqttBackend).map((l) => l.what)).toEqual([
      'frontend maxconn 50000',
      'global maxconn 200000',
    ]);
    const f = saturationFinding(facts.mqttBackend, 'h.cfg', 300, 120)!;
    expect(f.title).toBe('rate-limit sessions 5/s: 120 of 300 clients connected');
    expect(f.line).toBe(9);
    expect(saturationFinding(facts.mqttBackend, 'h.cfg', 300, 300)).toBeUndefined();
  });
});
