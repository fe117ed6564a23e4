/**
 * A fault's rules in one iptables-restore transaction: the exact input text, and (as root, in a throw-away network
 * namespace) that iptables-restore reads it back as the same rules, quoted comment included, and deletes them.
 */
import { describe, expect, test } from '@jest/globals';
import { RESTORE_ARGV, restoreInput, ruleSpecs } from './iptables-rules.js';
import { facilities } from './probe.js';
import { runTool } from './exec.js';

const target = { node: 'node2', address: '127.0.1.2', ports: [1883] };
const f = await facilities();
const real = f.iptables === true ? undefined : f.iptables;

describe('iptables-restore input of a fault', () => {
  test('one transaction: *filter, one line per rule with the comment quoted, COMMIT', () => {
    expect(restoreInput('-A', 'MQTTLB-0123abcd', ruleSpecs(target, { verb: 'partition' }))).toBe(
      [
        '*filter',
        '-A MQTTLB-0123abcd -d 127.0.1.2 -p tcp --dport 1883 -m comment --comment "mqtt-lb node2 partition" -j DROP',
        '-A MQTTLB-0123abcd -s 127.0.1.2 -p tcp --sport 1883 -m comment --comment "mqtt-lb node2 partition" -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  (real ? test.skip : test)(
    `iptables-restore adds then deletes exactly those rules${real ? ` (skipped: ${real})` : ''}`,
    async () => {
      const specs = ruleSpecs(target, { verb: 'loss', pct: 10 });
      const script = [
        'ip link set lo up',
        'iptables -w -N MQTTLB-0123abcd',
        `printf '%s' "$ADD" | ${RESTORE_ARGV.join(' ')}`,
        'iptables -w -S MQTTLB-0123abcd',
        'echo ---',
        `printf '%s' "$DEL" | ${RESTORE_ARGV.join(' ')}`,
        'iptables -w -S MQTTLB-0123abcd',
      ].join(' && ');
      const r = await runTool([
        'env',
        `ADD=${restoreInput('-A', 'MQTTLB-0123abcd', specs)}`,
        `DEL=${restoreInput('-D', 'MQTTLB-0123abcd', specs)}`,
        'unshare',
        '-n',
        'sh',
        '-c',
        script,
      ]);
      expect(r.stderr).toBe('');
      const [added, left] = r.stdout.split('---\n');
      // (how iptables prints the probability back varies between versions)
      expect(
        added!
          .trim()
          .replace(/--probability \S+/g, '--probability P')
          .split('\n'),
      ).toEqual([
        '-N MQTTLB-0123abcd',
        '-A MQTTLB-0123abcd -d 127.0.1.2/32 -p tcp -m tcp --dport 1883 -m comment --comment "mqtt-lb node2 loss" -m statistic --mode random --probability P -j DROP',
        '-A MQTTLB-0123abcd -s 127.0.1.2/32 -p tcp -m tcp --sport 1883 -m comment --comment "mqtt-lb node2 loss" -m statistic --mode random --probability P -j DROP',
      ]);
      expect(left!.trim()).toBe('-N MQTTLB-0123abcd');
    },
  );
});
