/**
 * `mqtt-lb fault <verb> <node> [params…] [--run <id>]`: a process fault (kill, pause, resume, restart, stop) or a
 * network fault (partition, heal, blackhole, reset, loss <pct>, bandwidth <rate>, delay <ms> [jitter]) on one node
 * of a running deployment, through its keeper.
 */
import { parseArgs } from 'node:util';
import type { FaultVerb, NetFaultReceipt } from '../types.js';
import { FAULT_VERBS, UsageError } from './args.js';
import { callControl, ControlUsageError, type ControlRequest } from './control.js';
import { controlSocketPath, resolveUpRun } from './run-state.js';
import { isNetFaultVerb, NET_FAULT_VERBS, parseNetFault } from '../netfault/fault.js';

const ALL_VERBS = [...FAULT_VERBS, ...NET_FAULT_VERBS];

/** Throws ControlUsageError (exit 2) for an unknown verb or node. */
export function validateFault(verb: string, node: string, nodes: readonly string[]): void {
  if (!(ALL_VERBS as readonly string[]).includes(verb))
    throw new ControlUsageError(`unknown fault verb '${verb}': choose from ${ALL_VERBS.join(', ')}`);
  if (!nodes.includes(node))
    throw new ControlUsageError(`no node '${node}' in this deployment (nodes: ${nodes.join(', ') || 'none'})`);
}

/** The control request for the command line's words (UsageError for a bad verb or parameters). */
export function faultRequest(verb: string, node: string, params: readonly string[]): ControlRequest {
  if (isNetFaultVerb(verb)) {
    try {
      return { cmd: 'netfault', node, fault: parseNetFault(verb, params) };
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (!(FAULT_VERBS as readonly string[]).includes(verb))
    throw new UsageError(`unknown fault verb '${verb}': choose from ${ALL_VERBS.join(', ')}`);
  if (params.length) throw new UsageError(`'${verb}' takes no parameters (got ${params.join(' ')})`);
  return { cmd: 'fault', node, verb: verb as FaultVerb };
}

export async function faultCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { run: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [verb, node, ...params] = positionals;
  if (!verb || !node) throw new UsageError('expected: mqtt-lb fault <verb> <node> [params…]');
  const req = faultRequest(verb, node, params);
  const run = resolveUpRun(values.run);
  try {
    const result = (await callControl(controlSocketPath(run), req, 90_000)) as {
      ms: number;
      receipt?: NetFaultReceipt;
    };
    const how = result.receipt ? ` — ${result.receipt.mechanism}: ${result.receipt.detail}` : '';
    process.stdout.write(`${node}: ${verb} done (${result.ms} ms)${how} — run ${run.runId}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ControlUsageError) throw new UsageError(err.message);
    process.stderr.write(`mqtt-lb fault: ${(err as Error).message}\n`);
    return 1;
  }
}
