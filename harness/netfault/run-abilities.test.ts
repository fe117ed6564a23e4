/** The 'link-faults' ability per runtime: the hop locally, the kernel's link rules on docker, never on an external target. */
import { describe, expect, test } from '@jest/globals';
import { linkFaultAbility } from './run-abilities.js';
import { allAbilities, unmet } from '../needs.js';

describe('network faults on the balancer ↔ node link', () => {
  test('docker: met by the rules in the node namespace; local: only with the fault hop; external: never', () => {
    expect(linkFaultAbility('docker', false, false)).toBe(true);
    expect(linkFaultAbility('local', false, true)).toBe(true);
    expect(linkFaultAbility('local', false, false)).toMatch(
      /^the fault hop is off: set `faults: \{ hop: true \}`.*; or `runtime: docker`, where rules in each node container's namespace cut its link to the balancer$/,
    );
    expect(linkFaultAbility('auto', false, false)).toMatch(/hop is off.*\(runtime auto may pick local\)$/);
    expect(linkFaultAbility('docker', true, false)).toMatch(/^an external target: .*cannot cut the link/);
  });

  test('a verb the kernel lacks still skips with its own reason when the link is met', () => {
    const a = allAbilities();
    a.netFaults.delay = 'netem unavailable in this kernel → delay needs the TS-proxy hop';
    expect(unmet(['link-faults', { netFault: 'partition' }], a)).toBe(false);
    expect(unmet(['link-faults', { netFault: 'delay' }], a)).toBe(a.netFaults.delay);
    a['link-faults'] = linkFaultAbility('local', false, false);
    expect(unmet(['link-faults', { netFault: 'partition' }], a)).toMatch(/fault hop is off/);
  });
});
