import { describe, expect, test } from '@jest/globals';
import { ConfigError } from '../../errors.js';
import { parseHaproxyCfg } from './parse.js';
import { requireExternalCheckScripts } from './external-check.js';

const cfg = (script: string): string => `global
    external-check
    insecure-fork-wanted
backend brokers
    option external-check
    external-check path "/usr/bin:/bin"
    external-check command ${script}
    server b1 10.0.0.1:1883 check
`;

describe('external-check scripts', () => {
  test('a script that is not on this machine is refused before anything starts, naming its line', () => {
    const file = '/etc/haproxy/haproxy.cfg';
    let err: unknown;
    try {
      requireExternalCheckScripts(parseHaproxyCfg(cfg('/etc/haproxy/checks/mqtt-connack.sh'), file), file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ line: 7, message: expect.stringMatching(/does not exist on this machine.*PROCERR/) });
  });

  test('a script that exists passes', () => {
    expect(() => requireExternalCheckScripts(parseHaproxyCfg(cfg('/bin/true'), 'h.cfg'), 'h.cfg')).not.toThrow();
  });
});
