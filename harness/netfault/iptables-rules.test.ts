/** The exact iptables and tc argument lists of the network faults (nothing is run). */
import { describe, expect, test } from '@jest/globals';
import {
  chainName,
  chainOp,
  jumpComment,
  jumpSpec,
  parseJumpComment,
  probability,
  ruleSpecs,
  teardownOps,
} from './iptables-rules.js';
import { netemArgs, qdiscDelArgs, tbfArgs } from './qdisc.js';

const local = { node: 'node2', address: '127.0.1.2', ports: [1883, 8083] };
const inContainer = { node: 'node2', ports: [1883] };
const tag = (verb: string) => ['-m', 'comment', '--comment', `mqtt-lb node2 ${verb}`];

describe('iptables rules of the network faults', () => {
  test('the run chain is named from the run id, short enough for iptables, and jumped to with the run and owner', () => {
    const c = chainName('20261201-101010-ab12cd');
    expect(c).toMatch(/^MQTTLB-[0-9a-f]{8}$/);
    expect(c.length).toBeLessThanOrEqual(28);
    expect(chainName('20261201-101010-ab12cd')).toBe(c);
    expect(chainName('20261201-101010-ab12ce')).not.toBe(c);
    const comment = jumpComment('20261201-101010-ab12cd', 4242);
    expect(jumpSpec(c, comment)).toEqual([
      '-m',
      'comment',
      '--comment',
      'mqtt-lb run 20261201-101010-ab12cd pid 4242',
      '-j',
      c,
    ]);
    expect(parseJumpComment(comment)).toEqual({ runId: '20261201-101010-ab12cd', pid: 4242 });
    expect(parseJumpComment('something else')).toBeUndefined();
  });

  test('partition drops both directions on every MQTT port of the node address', () => {
    expect(ruleSpecs(local, { verb: 'partition' })).toEqual([
      ['-d', '127.0.1.2', '-p', 'tcp', '--dport', '1883', ...tag('partition'), '-j', 'DROP'],
      ['-d', '127.0.1.2', '-p', 'tcp', '--dport', '8083', ...tag('partition'), '-j', 'DROP'],
      ['-s', '127.0.1.2', '-p', 'tcp', '--sport', '1883', ...tag('partition'), '-j', 'DROP'],
      ['-s', '127.0.1.2', '-p', 'tcp', '--sport', '8083', ...tag('partition'), '-j', 'DROP'],
    ]);
  });

  test('blackhole drops towards the node only; reset answers towards the node with a TCP reset', () => {
    expect(ruleSpecs(local, { verb: 'blackhole' })).toEqual([
      ['-d', '127.0.1.2', '-p', 'tcp', '--dport', '1883', ...tag('blackhole'), '-j', 'DROP'],
      ['-d', '127.0.1.2', '-p', 'tcp', '--dport', '8083', ...tag('blackhole'), '-j', 'DROP'],
    ]);
    expect(ruleSpecs(inContainer, { verb: 'reset' })).toEqual([
      ['-p', 'tcp', '--dport', '1883', ...tag('reset'), '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ]);
  });

  test('loss drops a random share both ways; inside a container no address is matched', () => {
    const stat = ['-m', 'statistic', '--mode', 'random', '--probability', '0.1', '-j', 'DROP'];
    expect(ruleSpecs(inContainer, { verb: 'loss', pct: 10 })).toEqual([
      ['-p', 'tcp', '--dport', '1883', ...tag('loss'), ...stat],
      ['-p', 'tcp', '--sport', '1883', ...tag('loss'), ...stat],
    ]);
    expect(probability(0.5)).toBe('0.005');
    expect(probability(100)).toBe('1');
    expect(probability(33.333)).toBe('0.3333');
  });

  test('with a link peer: every TCP port from the peer (towards the node) and to it, nothing else matched', () => {
    const link = { ...inContainer, peer: { address: '172.18.0.5', label: 'the balancer' } };
    expect(ruleSpecs(link, { verb: 'partition' })).toEqual([
      ['-s', '172.18.0.5', '-p', 'tcp', ...tag('partition'), '-j', 'DROP'],
      ['-d', '172.18.0.5', '-p', 'tcp', ...tag('partition'), '-j', 'DROP'],
    ]);
    expect(ruleSpecs(link, { verb: 'loss', pct: 2.5 })).toEqual([
      [
        '-s',
        '172.18.0.5',
        '-p',
        'tcp',
        ...tag('loss'),
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        '0.025',
        '-j',
        'DROP',
      ],
      [
        '-d',
        '172.18.0.5',
        '-p',
        'tcp',
        ...tag('loss'),
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        '0.025',
        '-j',
        'DROP',
      ],
    ]);
    expect(ruleSpecs(link, { verb: 'blackhole' })).toEqual([
      ['-s', '172.18.0.5', '-p', 'tcp', ...tag('blackhole'), '-j', 'DROP'],
    ]);
    expect(ruleSpecs(link, { verb: 'reset' })).toEqual([
      ['-s', '172.18.0.5', '-p', 'tcp', ...tag('reset'), '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ]);
  });

  test('duplicate ports give one rule each', () => {
    expect(ruleSpecs({ node: 'node2', ports: [1883, 1883] }, { verb: 'blackhole' })).toHaveLength(1);
  });

  test('chain operations and teardown: jumps first, then flush and delete', () => {
    expect(chainOp('-A', 'MQTTLB-00000000', ['-j', 'DROP'])).toEqual([
      'iptables',
      '-w',
      '-A',
      'MQTTLB-00000000',
      '-j',
      'DROP',
    ]);
    expect(teardownOps('MQTTLB-00000000', 'mqtt-lb run r pid 1')).toEqual([
      ['iptables', '-w', '-D', 'INPUT', '-m', 'comment', '--comment', 'mqtt-lb run r pid 1', '-j', 'MQTTLB-00000000'],
      ['iptables', '-w', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'mqtt-lb run r pid 1', '-j', 'MQTTLB-00000000'],
      ['iptables', '-w', '-F', 'MQTTLB-00000000'],
      ['iptables', '-w', '-X', 'MQTTLB-00000000'],
    ]);
  });

  test('qdiscs: tbf with the rate in tc units, netem delay with optional jitter, removal', () => {
    expect(tbfArgs('eth0', '800')).toEqual([
      'tc',
      'qdisc',
      'replace',
      'dev',
      'eth0',
      'root',
      'tbf',
      'rate',
      '800kbit',
      'burst',
      '32kbit',
      'latency',
      '400ms',
    ]);
    expect(tbfArgs('eth0', '10MBit')[8]).toBe('10mbit');
    expect(netemArgs('eth0', 500, 100)).toEqual([
      'tc',
      'qdisc',
      'replace',
      'dev',
      'eth0',
      'root',
      'netem',
      'delay',
      '500ms',
      '100ms',
    ]);
    expect(netemArgs('eth0', 500)).toEqual([
      'tc',
      'qdisc',
      'replace',
      'dev',
      'eth0',
      'root',
      'netem',
      'delay',
      '500ms',
    ]);
    expect(qdiscDelArgs('eth0')).toEqual(['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
  });
});
