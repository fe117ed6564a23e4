/**
 * The balancer container's open-files limit: what the config asks for, capped at Docker's default, and the fit of the
 * production-sized fixture computed from the container's limit, not the host shell's.
 */
import { describe, expect, test } from '@jest/globals';
import { DOCKER_NOFILE_DEFAULT, containerLimits, isUlimitRefusal } from './container-limits.js';
import { kindContainerLimits, mapForContainer } from './balancer-container.js';
import { haproxyKind } from '../balancer/haproxy/kind.js';
import type { NodeInfo } from '../types.js';

const FIXTURE = 'fixtures/haproxy/production/emqx-production-sized.cfg';
const nodes = [1, 2, 3].map((i) => ({
  name: `node${i}`,
  upstreamMqtt: { host: `node${i}.emqx.io`, port: 1883 },
})) as unknown as NodeInfo[];

describe('balancer container limits', () => {
  test('nofile is what the config asks for, capped at the Docker default; none asked → the daemon default', () => {
    expect(containerLimits(400000)).toMatchObject({ nofile: 400000, limits: { openFiles: 400000 } });
    expect(containerLimits(3_000_000)).toMatchObject({ nofile: DOCKER_NOFILE_DEFAULT });
    expect(containerLimits(200)).toMatchObject({ nofile: 1024 });
    expect(containerLimits(undefined).nofile).toBeUndefined();
    expect(containerLimits(undefined).limits).toMatchObject({ openFiles: DOCKER_NOFILE_DEFAULT });
    expect(containerLimits(400000, 20000)).toMatchObject({
      nofile: 20000,
      limits: { where: 'the balancer container' },
    });
  });

  test('the production-sized fixture: its maxconn 200000 gets enough descriptors in the container, nothing is scaled', async () => {
    const box = kindContainerLimits(haproxyKind, FIXTURE)!;
    expect(box.nofile).toBe(444445);
    const mapped = await mapForContainer(haproxyKind, { configFile: FIXTURE, explicitMap: [], nodes }, box.limits);
    const fit = mapped.machineFit!;
    expect(fit.where).toBe('the balancer container');
    expect(fit.rewrites.filter((r) => /maxconn|ulimit-n/.test(r.original))).toEqual([]);
  });

  test('a daemon limited like this machine (20000): the fit follows the container limit', async () => {
    const box = containerLimits(400000, 20000);
    const mapped = await mapForContainer(haproxyKind, { configFile: FIXTURE, explicitMap: [], nodes }, box.limits);
    expect(mapped.machineFit!.rewrites.find((r) => r.line === 9)).toMatchObject({
      original: 'maxconn 200000',
      asRun: 'maxconn 9000',
      reason: expect.stringMatching(/in the balancer container is 20000/),
    });
  });

  test("recognises the daemon's refusal of a ulimit", () => {
    expect(
      isUlimitRefusal(
        new Error('container haproxy did not start: error setting rlimit type 7: operation not permitted'),
      ),
    ).toBe(true);
    expect(isUlimitRefusal(new Error('port is already allocated'))).toBe(false);
  });
});
