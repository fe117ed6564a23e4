/** server-template mapping: one node per generated server, the line kept in place, DNS parameters dropped. */
import { describe, expect, test } from '@jest/globals';
import { mapHaproxyConfig } from './map-config.js';
import { templateServerNames, withoutDnsParams, runtimeAddressCommands } from './server-template.js';
import { haproxyFacts } from './facts.js';
import { parseMapEntries } from '../address-map.js';
import { ConfigError } from '../../errors.js';
import { fixture } from '../../../test/helpers/files.js';
import { mapOptions } from '../../../test/helpers/haproxy.js';

const cfg = (template: string): string =>
  ['frontend f', '  bind :1883', '  default_backend b', 'backend b', `  ${template}`, ''].join('\n');

describe('server-template', () => {
  test('names: a count gives prefix1..N, a range prefixA..B', () => {
    expect(templateServerNames('emqx', '3', 'x.cfg', 1)).toEqual(['emqx1', 'emqx2', 'emqx3']);
    expect(templateServerNames('s', '4-5', 'x.cfg', 1)).toEqual(['s4', 's5']);
    expect(() => templateServerNames('s', 'three', 'x.cfg', 7)).toThrow(ConfigError);
  });

  test('DNS parameters are dropped, the others kept in order', () => {
    expect(withoutDnsParams(['check', 'resolvers', 'mydns', 'init-addr', 'last,none', 'inter', '1s'])).toEqual({
      kept: ['check', 'inter', '1s'],
      dropped: ['resolvers', 'mydns', 'init-addr', 'last,none'],
    });
  });

  test('good/10: one mapping row per generated server, line 35 kept with node1, the others set after start', async () => {
    const { text, file } = fixture('real-world/good/10-server-template-dns.cfg');
    const m = await mapHaproxyConfig(text, file, mapOptions());
    expect(m.mapping.map((e) => `${e.server}@${e.line}→${e.node} ${e.mapped}`)).toEqual([
      'emqx1@35→node1 127.0.9.1:1883',
      'emqx2@35→node2 127.0.9.2:1883',
      'emqx3@35→node3 127.0.9.3:1883',
    ]);
    expect(m.text.split('\n')).toHaveLength(text.split('\n').length + 5);
    expect(m.text.split('\n')[34]).toBe(
      '  server-template emqx 3 127.0.9.1:1883 check port 18083 inter 1s fall 2 rise 2',
    );
    expect(m.text).not.toMatch(/init-addr|cluster\.invalid/);
    expect(runtimeAddressCommands(m.runtimeAddresses)).toEqual([
      'set server emqx/emqx2 addr 127.0.9.2 port 1883',
      'set server emqx/emqx3 addr 127.0.9.3 port 1883',
    ]);
    const facts = haproxyFacts(m.parsed, m.mapping);
    expect(facts.mqttBackend.servers.map((s) => `${s.name}:${s.node}:${s.line}`)).toEqual([
      'emqx1:node1:35',
      'emqx2:node2:35',
      'emqx3:node3:35',
    ]);
    expect(facts.mqttBackend.servers[2]!.check.kind.value).toBe('http');
  });

  test('more generated servers than nodes is refused naming the line, unless a map entry names the extra server', async () => {
    const text = cfg('server-template mq 1-4 mq.invalid:1883 check');
    const err = await mapHaproxyConfig(text, 'x.cfg', mapOptions()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).format()).toMatch(
      /^x\.cfg:5: server-template 'mq'.*mq4 is server #4[\s\S]*--map mq4=node1/,
    );
    for (const entry of ['mq4=node2', 'b/mq4=node2']) {
      const m = await mapHaproxyConfig(text, 'x.cfg', mapOptions({ explicit: parseMapEntries([entry]) }));
      expect(m.mapping.at(-1)).toMatchObject({ server: 'mq4', node: 'node2', mapped: '127.0.9.2:1883' });
    }
  });

  test('server lines before the template take the first nodes', async () => {
    const text = cfg('server a x.invalid:1883\n  server-template mq 2 mq.invalid:1883');
    const m = await mapHaproxyConfig(text, 'x.cfg', mapOptions());
    expect(m.mapping.map((e) => `${e.server}→${e.node}`)).toEqual(['a→node1', 'mq1→node2', 'mq2→node3']);
    expect(m.text.split('\n')[5]).toBe('  server-template mq 2 127.0.9.2:1883');
  });

  test('a runtime that reaches nodes by name (docker aliases) refuses it with the workaround', async () => {
    const err = await mapHaproxyConfig(
      cfg('server-template mq 3 mq.invalid:1883'),
      'x.cfg',
      mapOptions({ resolve: (node, port) => ({ host: node, port }) }),
    ).catch((e: unknown) => e);
    expect((err as ConfigError).format()).toMatch(
      /x\.cfg:5: .*nodes are reached by name[\s\S]*fix: write one `server` line per node/,
    );
  });
});
