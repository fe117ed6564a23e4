/**
 * Each run takes its own /24 of the loopback range (127.0.1.0/24 first), so two runs on one machine
 * never collide: nodes on .1–.N, balancer frontends on .10. Ownership is a lock file naming the run;
 * the lock of a run whose owner process is dead is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateRoot, RunDir } from '../proc/run-dir.js';
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

function lockPath(prefix: string): string {
  const dir = path.join(stateRoot(), 'blocks');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${prefix}.lock`);
}

function tryLock(prefix: string, runId: string): boolean {
  const file = lockPath(prefix);
  try {
    writeFileSync(file, runId, { flag: 'wx' });
    return true;
  } catch {
    const holder = readFileSync(file, 'utf8').trim();
    const owner = new RunDir(holder).owner();
    if (owner && isAlive(owner.pid)) return false;
    rmSync(file, { force: true });
    try {
      writeFileSync(file, runId, { flag: 'wx' });
      return true;
    } catch {
      return false;
    }
  }
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
        if (readFileSync(lockPath(prefix), 'utf8').trim() === runId) rmSync(lockPath(prefix), { force: true });
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
