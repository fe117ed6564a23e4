/** A fault as the CLI writes it (`kill`, `loss 10`, `delay 200 50`) or as a NetFault value: one request, same checks. */
import type { FaultVerb, NetFault } from '../types.js';
import type { NetFaultVerb } from '../netfault/fault.js';
import { validateNetFault } from '../netfault/fault.js';
import { faultRequest } from '../cli/fault-command.js';

/** The verbs of `mqtt-lb fault`: process faults, then network faults (`loss <pct>`, `bandwidth <rate>`, `delay <ms> [jitter]`). */
export type FaultWords = FaultVerb | NetFaultVerb | `${'loss' | 'bandwidth' | 'delay'} ${string}`;

export type FaultRequest = { kind: 'process'; verb: FaultVerb } | { kind: 'network'; fault: NetFault };

/** Parses the CLI's words (or validates a NetFault value); throws with the CLI's message for a bad verb or parameter. */
export function faultOf(fault: FaultWords | NetFault, node: string): FaultRequest {
  if (typeof fault !== 'string') return { kind: 'network', fault: validateNetFault(fault) };
  const [verb = '', ...params] = fault.trim().split(/\s+/);
  const req = faultRequest(verb, node, params);
  if (req.cmd === 'netfault') return { kind: 'network', fault: req.fault };
  if (req.cmd === 'fault') return { kind: 'process', verb: req.verb };
  throw new Error(`not a fault: ${fault}`);
}
