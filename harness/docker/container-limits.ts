/**
 * The descriptor limit a balancer container is started with: what the (user's) config asks for, capped at Docker's
 * usual default (1048576), given explicitly as `nofile` so the config is fitted to the container's limit and not to
 * the host shell's; when the daemon cannot grant it, the harness's own hard limit is the fallback.
 */
import os from 'node:os';
import { openFilesHardLimit, type MachineLimits } from '../balancer/machine-limits.js';

/** Docker's default `nofile` for containers (dockerd/containerd run with LimitNOFILE=1048576 or infinity). */
export const DOCKER_NOFILE_DEFAULT = 1048576;

export interface ContainerLimits {
  limits: MachineLimits;
  /** The `nofile` ulimit to start the container with; absent: the daemon's default. */
  nofile?: number;
}

/** Limits for a balancer container whose config asks for `fdNeeds` descriptors (undefined: it names none). */
export function containerLimits(fdNeeds: number | undefined, cap = DOCKER_NOFILE_DEFAULT): ContainerLimits {
  const cpus = os.availableParallelism();
  if (fdNeeds === undefined) return { limits: { openFiles: cap, cpus, where: 'the balancer container' } };
  const nofile = Math.min(Math.max(fdNeeds, 1024), cap);
  return { limits: { openFiles: nofile, cpus, where: 'the balancer container' }, nofile };
}

/** After the daemon refused `nofile` (its own limit is lower): the harness's own hard limit, which it can grant. */
export function fallbackContainerLimits(fdNeeds: number | undefined): ContainerLimits {
  return containerLimits(fdNeeds, Math.min(openFilesHardLimit(), DOCKER_NOFILE_DEFAULT));
}

/** Docker's refusal of a ulimit above its own (`setrlimit`/`ulimit` … operation not permitted). */
export function isUlimitRefusal(err: Error): boolean {
  return (
    /rlimit|ulimit|nofile|RLIMIT_NOFILE/i.test(err.message) &&
    /not permitted|invalid argument|exceed/i.test(err.message)
  );
}
