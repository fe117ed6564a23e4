/**
 * Fault verbs on an external target: the harness cannot signal processes it did not start, so a verb works only
 * when the profile gives a shell command for it (`balancer.target.faults.kill: "ssh … systemctl kill emqx"`).
 * Suites decide at collection time with `unmet(needs, abilities)` (harness/needs.ts, external/abilities.ts).
 */
import { spawn } from 'node:child_process';
import type { FaultVerb } from '../types.js';

/** What a test may need from a deployment that an external target can lack. */
export type ExternalNeed = FaultVerb | 'reload' | 'balancer-restart' | 'balancer-facts' | 'balancer-view';

/** Something the harness cannot do on an external target; suites skip with this message. */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError';
  constructor(
    readonly need: ExternalNeed,
    reason: string,
  ) {
    super(reason);
  }
}

/** A fault verb without a command in the profile. */
export class FaultNotAvailableError extends NotAvailableError {
  override name = 'FaultNotAvailableError';
}

export function isNotAvailable(err: unknown): err is NotAvailableError {
  return err instanceof NotAvailableError;
}

export function missingVerbReason(verbs: readonly string[]): string {
  const list = verbs.join(', ');
  return `fault verb${verbs.length === 1 ? '' : 's'} ${list} not available on the external target: the profile gives no balancer.target.faults.${verbs[0]} command (the harness does not control those nodes)`;
}

export const NOT_AVAILABLE_REASONS: Record<Exclude<ExternalNeed, FaultVerb>, string> = {
  reload: 'reloading an external balancer is not available: the harness does not run it',
  'balancer-restart': 'killing and restarting an external balancer is not available: the harness does not run it',
  'balancer-facts':
    "the external balancer's config is unknown to the harness (no algorithm, weights, health checks or timeouts to check against)",
  'balancer-view': "the external balancer's server states are not visible to the harness (no runtime/admin API)",
};

export function notAvailable(verb: FaultVerb): FaultNotAvailableError {
  return new FaultNotAvailableError(verb, missingVerbReason([verb]));
}

export interface CommandResult {
  code: number;
  output: string;
  ms: number;
}

/** Runs a profile's fault command with {node}/{verb} substituted (also as MQTT_LB_NODE / MQTT_LB_FAULT), in the profile's folder. */
export async function runFaultCommand(
  template: string,
  node: string,
  verb: FaultVerb,
  cwd: string,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  const command = template.replaceAll('{node}', node).replaceAll('{verb}', verb);
  const t0 = Date.now();
  const child = spawn('sh', ['-c', command], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MQTT_LB_NODE: node, MQTT_LB_FAULT: verb },
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const code = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fault ${verb} ${node}: \`${command}\` did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    const onClose = (c: number | null): void => {
      clearTimeout(timer);
      resolve(c ?? 1);
    };
    child.once('error', onError);
    child.once('close', onClose);
  });
  const result = { code, output: output.trim(), ms: Date.now() - t0 };
  if (code !== 0)
    throw new Error(
      `fault ${verb} ${node}: \`${command}\` exited with ${code}${result.output ? `:\n${result.output}` : ''}`,
    );
  return result;
}
