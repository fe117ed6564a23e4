/** `mqtt-lb fault <verb> <node> [--run <id>]`: a fault on one node of a running deployment, through its keeper. */
import { parseArgs } from 'node:util';
import type { FaultVerb } from '../types.js';
import { FAULT_VERBS, UsageError } from './args.js';
import { callControl, ControlUsageError } from './control.js';
import { controlSocketPath, resolveUpRun } from './run-state.js';

/** Throws ControlUsageError (exit 2) for an unknown verb or node. */
export function validateFault(verb: string, node: string, nodes: readonly string[]): asserts verb is FaultVerb {
  if (!(FAULT_VERBS as readonly string[]).includes(verb))
    throw new ControlUsageError(`unknown fault verb '${verb}': choose from ${FAULT_VERBS.join(', ')}`);
  if (!nodes.includes(node))
    throw new ControlUsageError(`no node '${node}' in this deployment (nodes: ${nodes.join(', ') || 'none'})`);
}

export async function faultCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { run: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [verb, node, ...extra] = positionals;
  if (!verb || !node || extra.length) throw new UsageError('expected: mqtt-lb fault <verb> <node>');
  if (!(FAULT_VERBS as readonly string[]).includes(verb))
    throw new UsageError(`unknown fault verb '${verb}': choose from ${FAULT_VERBS.join(', ')}`);
  const run = resolveUpRun(values.run);
  try {
    const result = (await callControl(
      controlSocketPath(run),
      { cmd: 'fault', node, verb: verb as FaultVerb },
      90_000,
    )) as { ms: number };
    process.stdout.write(`${node}: ${verb} done (${result.ms} ms) — run ${run.runId}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ControlUsageError) throw new UsageError(err.message);
    process.stderr.write(`mqtt-lb fault: ${(err as Error).message}\n`);
    return 1;
  }
}
