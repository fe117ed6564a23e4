/** Parsing and validating the network fault verbs (CLI words and control requests), and where each is available. */
import { describe, expect, test } from '@jest/globals';
import { describeNetFault, parseNetFault, validateNetFault } from './fault.js';
import { faultRequest } from '../cli/fault-command.js';
import { netFaultAbilities } from './availability.js';
import type { NetFacilities } from './mechanism.js';
import { allAbilities, unmet } from '../needs.js';

describe('network fault verbs', () => {
  test('the words after the node become one typed fault', () => {
    expect(parseNetFault('partition', [])).toEqual({ verb: 'partition' });
    expect(parseNetFault('heal', [])).toEqual({ verb: 'heal' });
    expect(parseNetFault('loss', ['10'])).toEqual({ verb: 'loss', pct: 10 });
    expect(parseNetFault('loss', ['0.5'])).toEqual({ verb: 'loss', pct: 0.5 });
    expect(parseNetFault('bandwidth', ['800kbit'])).toEqual({ verb: 'bandwidth', rate: '800kbit' });
    expect(parseNetFault('delay', ['500', '100'])).toEqual({ verb: 'delay', ms: 500, jitterMs: 100 });
    expect(parseNetFault('delay', ['500'])).toEqual({ verb: 'delay', ms: 500 });
  });

  test('bad parameters are refused with the syntax', () => {
    expect(() => parseNetFault('loss', [])).toThrow(/expected: loss <node> <pct>/);
    expect(() => parseNetFault('loss', ['ten'])).toThrow(/loss <node> <pct>.*pct/);
    expect(() => parseNetFault('loss', ['150'])).toThrow(/pct/);
    expect(() => parseNetFault('loss', ['0'])).toThrow(/pct/);
    expect(() => parseNetFault('partition', ['now'])).toThrow(/expected: partition <node>/);
    expect(() => parseNetFault('bandwidth', ['fast'])).toThrow(/tc rate/);
    expect(() => parseNetFault('delay', ['1', '2', '3'])).toThrow(/delay <node> <ms> \[jitter-ms\]/);
    expect(() => parseNetFault('explode', [])).toThrow(/not a network fault verb/);
  });

  test('one schema validates control requests: unknown fields and verbs are refused', () => {
    expect(validateNetFault({ verb: 'loss', pct: 5 })).toEqual({ verb: 'loss', pct: 5 });
    expect(() => validateNetFault({ verb: 'partition', pct: 5 })).toThrow(/bad network fault/);
    expect(() => validateNetFault({ verb: 'boom' })).toThrow(/bad network fault/);
    expect(() => validateNetFault(null)).toThrow(/bad network fault/);
  });

  test('the CLI turns words into control requests: process verbs, network verbs, usage errors', () => {
    expect(faultRequest('kill', 'node2', [])).toEqual({ cmd: 'fault', node: 'node2', verb: 'kill' });
    expect(faultRequest('partition', 'node2', [])).toEqual({
      cmd: 'netfault',
      node: 'node2',
      fault: { verb: 'partition' },
    });
    expect(faultRequest('loss', 'node2', ['10'])).toEqual({
      cmd: 'netfault',
      node: 'node2',
      fault: { verb: 'loss', pct: 10 },
    });
    expect(() => faultRequest('kill', 'node2', ['now'])).toThrow(/takes no parameters/);
    expect(() => faultRequest('explode', 'node2', [])).toThrow(/unknown fault verb 'explode'.*partition/);
    expect(() => faultRequest('loss', 'node2', [])).toThrow(/expected: loss/);
  });

  test('descriptions for logs and the report', () => {
    expect(describeNetFault({ verb: 'delay', ms: 500, jitterMs: 100 })).toBe('delay 500 ms ± 100 ms');
    expect(describeNetFault({ verb: 'bandwidth', rate: '800' })).toBe('bandwidth 800kbit');
    expect(describeNetFault({ verb: 'loss', pct: 10 })).toBe('loss 10 %');
  });

  test('availability: this kernel (no netem) gives iptables faults everywhere, tbf only in a container', () => {
    const here: NetFacilities = {
      root: true,
      iptables: true,
      statistic: true,
      reject: true,
      tbf: true,
      netem: 'netem unavailable in this kernel (tc netem: Error: Specified qdisc kind is unknown.)',
      nsenter: true,
    };
    const local = netFaultAbilities('local', here);
    expect([local.partition, local.blackhole, local.reset, local.loss]).toEqual([true, true, true, true]);
    expect(local.bandwidth).toMatch(/lo .*→ bandwidth needs the TS-proxy hop/);
    expect(local.delay).toBe('netem unavailable in this kernel → delay needs the TS-proxy hop');
    const docker = netFaultAbilities('docker', here);
    expect(docker.bandwidth).toBe(true);
    expect(docker.delay).toBe('netem unavailable in this kernel → delay needs the TS-proxy hop');
    expect(netFaultAbilities('docker', { ...here, netem: true }).delay).toBe(true);
    const notRoot = netFaultAbilities('local', { ...here, root: 'not root', iptables: 'not root' });
    expect(notRoot.partition).toBe('not root');
  });

  test('a test needing a fault kind this run lacks is skipped with the reason', () => {
    const a = allAbilities();
    a.netFaults.delay = 'netem unavailable in this kernel → delay needs the TS-proxy hop';
    expect(unmet([{ netFault: 'partition' }], a)).toBe(false);
    expect(unmet([{ netFault: 'partition' }, { netFault: 'delay' }], a)).toMatch(/delay needs the TS-proxy hop/);
  });
});
