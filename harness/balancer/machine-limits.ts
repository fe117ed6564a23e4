/**
 * What the machine lets a balancer process use — its open-files hard limit and CPU count, read at run time — and the
 * connection budget that follows from it, for scaling production-sized balancer settings (harness/balancer/haproxy/
 * fit-machine.ts, harness/balancer/ts-proxy/fit-machine.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { MachineFit, MachineRewrite } from '../types.js';

export interface MachineLimits {
  /** Open-files hard limit the balancer process gets (a process can raise its soft limit up to it, never beyond). */
  openFiles: number;
  cpus: number;
  /** Where these were read, for the reason texts: 'this machine' or 'the balancer container'. */
  where: string;
}

/** Descriptors kept free of connections: listeners, health checks, pollers, logs, the runtime API. */
export function fdReserve(openFiles: number): number {
  return Math.max(100, Math.ceil(openFiles / 10));
}

/** Concurrent proxied connections that fit in `openFiles` at `fdsPerConnection` descriptors each. */
export function connectionBudget(openFiles: number, fdsPerConnection = 2): number {
  return Math.max(1, Math.floor((openFiles - fdReserve(openFiles)) / fdsPerConnection));
}

/** The open-files hard limit of this process (`ulimit -Hn`), from /proc/self/limits or a shell; unlimited → 2^20. */
export function openFilesHardLimit(): number {
  const parse = (v: string | undefined): number | undefined =>
    v === 'unlimited' || v === 'infinity' ? 1 << 20 : v && /^\d+$/.test(v) ? Number(v) : undefined;
  try {
    const hard = parse(/Max open files\s+\S+\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    if (hard) return hard;
  } catch {
    // not Linux: ask a shell below
  }
  try {
    const hard = parse(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
    if (hard) return hard;
  } catch {
    // no shell: fall through
  }
  return 1024;
}

/** The limits a balancer started as a child of this process gets. */
export function hostMachineLimits(): MachineLimits {
  return { openFiles: openFilesHardLimit(), cpus: os.availableParallelism(), where: 'this machine' };
}

export function machineFitOf(limits: MachineLimits, rewrites: MachineRewrite[]): MachineFit {
  return { where: limits.where, openFilesLimit: limits.openFiles, cpus: limits.cpus, rewrites };
}

/** One progress line naming what was scaled (nothing when nothing was). */
export function describeMachineFit(kind: string, fit: MachineFit): string | undefined {
  if (!fit.rewrites.length) return undefined;
  const list = fit.rewrites.map((r) => `line ${r.line} '${r.original}' → '${r.asRun}'`).join('; ');
  return `${kind} config scaled to ${fit.where} (open-files hard limit ${fit.openFilesLimit}, ${fit.cpus} CPUs): ${list}`;
}
