/**
 * Removes run chains from the host's iptables synchronously (signal handlers, `down` after a dead keeper, the
 * crashed-run sweep): every INPUT/OUTPUT jump whose comment names the run (or, for orphans, a dead owner pid) is
 * deleted with its chain. Docker runs need none of this: their rules die with the containers' namespaces.
 */
import { runToolSync } from './exec.js';
import { CHAIN_PREFIX, HOOKS, jumpSpec, parseJumpComment, teardownOps } from './iptables-rules.js';

interface Jump {
  chain: string;
  comment: string;
  runId: string;
  pid: number;
}

/** The run jumps in the host's INPUT/OUTPUT (none when iptables is missing or not permitted). */
export function listRunJumps(): Jump[] {
  if (process.getuid?.() !== 0) return [];
  const jumps = new Map<string, Jump>();
  for (const hook of HOOKS) {
    const r = runToolSync(['iptables', '-w', '-S', hook]);
    if (r.code !== 0) return [];
    for (const line of r.stdout.split('\n')) {
      const m = /--comment "([^"]+)" -j (\S+)/.exec(line);
      if (!m || !m[2]!.startsWith(CHAIN_PREFIX)) continue;
      const parsed = parseJumpComment(m[1]!);
      if (parsed) jumps.set(`${m[2]} ${m[1]}`, { chain: m[2]!, comment: m[1]!, ...parsed });
    }
  }
  return [...jumps.values()];
}

function teardown(j: Jump): void {
  const spec = jumpSpec(j.chain, j.comment);
  // Every jump first (a hook may hold it twice), then flush and delete the chain.
  for (const hook of HOOKS)
    for (let i = 0; i < 4 && runToolSync(['iptables', '-w', '-D', hook, ...spec]).code === 0; i++);
  for (const argv of teardownOps(j.chain, j.comment).slice(HOOKS.length)) runToolSync(argv);
}

/** Removes the chain of `runId`; returns whether one was found. */
export function removeRunChainSync(runId: string): boolean {
  const mine = listRunJumps().filter((j) => j.runId === runId);
  for (const j of mine) teardown(j);
  return mine.length > 0;
}

/** Removes the chains whose owner process is dead (`alive` decides); returns their run ids. */
export function sweepOrphanChainsSync(alive: (pid: number) => boolean): string[] {
  const dead = listRunJumps().filter((j) => j.pid !== process.pid && !alive(j.pid));
  for (const j of dead) teardown(j);
  return [...new Set(dead.map((j) => j.runId))];
}
