/**
 * Each run takes its own /24 of the loopback range (127.0.1.0/24 first), so two runs on one machine
 * never collide: nodes on .1–.N, balancer frontends on .10. Ownership is a lock file naming the run and the pid
 * that holds it, in one machine-wide folder — not under the run's state directory, since two runs with different
 * state directories (parallel test workers, two users of one checkout) share the same loopback addresses; the lock
 * of a dead holder is taken over.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunDir } from '../proc/run-dir.js';
import { isAlive } from '../proc/identity.js';
import { canBind } from './ports.js';

/** Block prefixes tried in order. 127.0.2.0/24 is left for client source addresses (fairness suite). */
export function candidatePrefixes(): string[] {
  const out = ['127.0.1'];
  for (let b = 3; b < 250; b++) out.push(`127.0.${b}`);
  return out;
}

export interface LoopbackBlock {
  prefix: string;
  nodeIp(i: number): string;
  balancerIp: string;
  release(): void;
}

/** The machine-wide folder of block locks (MQTT_LB_BLOCKS_DIR overrides it, for tests of the locking itself). */
export function blocksDir(): string {
  const dir =
    process.env.MQTT_LB_BLOCKS_DIR ?? path.join(os.tmpdir(), `mqtt-lb-blocks-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function lockPath(prefix: string): string {
  return path.join(blocksDir(), `${prefix}.lock`);
}

/** Who holds a lock file: "<run id> <pid>" (the pid is absent in locks of older versions). */
function holderOf(file: string): { runId: string; pid?: number } | undefined {
  try {
    const [runId = '', pid] = readFileSync(file, 'utf8').trim().split(/\s+/);
    return { runId, ...(pid ? { pid: Number(pid) } : {}) };
  } catch {
    return undefined;
  }
}

function holderAlive(h: { runId: string; pid?: number }): boolean {
  const pid = h.pid ?? new RunDir(h.runId).owner()?.pid;
  return pid !== undefined && isAlive(pid);
}

function tryLock(prefix: string, runId: string): boolean {
  const file = lockPath(prefix);
  const content = `${runId} ${process.pid}`;
  try {
    writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch {
    const holder = holderOf(file);
    if (holder && holderAlive(holder)) return false;
    rmSync(file, { force: true });
    try {
      writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch {
      return false;
    }
  }
}

/** Lock files still naming `runId` (released by a clean stop; removed by `down` or the sweep after a crash). */
export function blockLocksOf(runId: string): string[] {
  const dir = blocksDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => path.join(dir, f))
    .filter((f) => holderOf(f)?.runId === runId);
}

/**
 * Takes the first free block whose node addresses can bind every port in `nodePorts`
 * (a wildcard listener on 0.0.0.0:1883 elsewhere on the machine makes a block unusable).
 */
export async function acquireBlock(runId: string, nodeCount: number, nodePorts: number[]): Promise<LoopbackBlock> {
  for (const prefix of candidatePrefixes()) {
    if (!tryLock(prefix, runId)) continue;
    const release = (): void => {
      try {
        if (holderOf(lockPath(prefix))?.runId === runId) rmSync(lockPath(prefix), { force: true });
      } catch {
        /* already gone */
      }
    };
    let usable = true;
    for (let i = 1; i <= nodeCount && usable; i++) {
      for (const port of nodePorts) {
        if (!(await canBind(`${prefix}.${i}`, port))) {
          usable = false;
          break;
        }
      }
    }
    if (!usable) {
      release();
      continue;
    }
    return { prefix, nodeIp: (i) => `${prefix}.${i}`, balancerIp: `${prefix}.10`, release };
  }
  throw new Error(
    `no free loopback block: every 127.0.x.0/24 tried is taken or its ports ${nodePorts.join(', ')} are in use`,
  );
}
