/**
 * The crashed-run sweep removes a run chain whose owner died: a chain jumped to from INPUT/OUTPUT with the comment
 * naming a dead pid is gone after sweepOrphanChainsSync; one whose owner lives is kept. Skipped without iptables.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chainName, HOOKS, jumpComment, jumpSpec } from '../../harness/netfault/iptables-rules.js';
import { removeRunChainSync, sweepOrphanChainsSync } from '../../harness/netfault/chain-sweep.js';
import { facilities } from '../../harness/netfault/probe.js';
import { mustRun, runTool } from '../../harness/netfault/exec.js';
import { isAlive } from '../../harness/proc/identity.js';
import { newRunId } from '../../harness/proc/run-dir.js';

const iptables = (await facilities()).iptables;
const skip = iptables === true ? undefined : iptables;
if (skip) process.stderr.write(`netfault-sweep: skipped: ${skip}\n`);
const dead = newRunId();
const live = newRunId();

async function install(runId: string, pid: number): Promise<void> {
  const chain = chainName(runId);
  await mustRun(['iptables', '-w', '-N', chain]);
  for (const hook of HOOKS)
    await mustRun(['iptables', '-w', '-I', hook, '1', ...jumpSpec(chain, jumpComment(runId, pid))]);
}

const present = async (runId: string): Promise<boolean> =>
  (await runTool(['iptables', '-w', '-S', chainName(runId)])).code === 0;

afterAll(() => {
  removeRunChainSync(dead);
  removeRunChainSync(live);
});

describe('run chains left by a crashed run', () => {
  (skip ? test.skip : test)('a dead owner’s chain is swept with its jumps; a live owner’s chain is kept', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(isAlive(gone)).toBe(false);
    await install(dead, gone);
    await install(live, process.pid);
    expect(sweepOrphanChainsSync(isAlive)).toContain(dead);
    expect(await present(dead)).toBe(false);
    const input = await runTool(['iptables', '-w', '-S', 'INPUT']);
    expect(input.stdout).not.toContain(dead);
    expect(await present(live)).toBe(true);
    expect(removeRunChainSync(live)).toBe(true);
    expect(await present(live)).toBe(false);
  });
});
