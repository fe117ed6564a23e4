/**
 * Fault verbs on an external target: the harness cannot signal processes it did not start, so a verb works only
 * when the profile gives a shell command for it (`balancer.target.faults.kill: "ssh … systemctl kill emqx"`).
 * Suites decide at collection time with `faultSkipReason(profile, verbs)` and skip with that reason.
 */
import { spawn } from 'node:child_process';
import type { Profile } from '../profile/schema.js';
import type { FaultVerb } from '../types.js';

export class FaultNotAvailableError extends Error {
  override name = 'FaultNotAvailableError';
  constructor(readonly verb: FaultVerb | 'reload' | 'balancer-facts', reason: string) {
    super(reason);
  }
}

export function isFaultNotAvailable(err: unknown): err is FaultNotAvailableError {
  return err instanceof FaultNotAvailableError;
}

function missingVerbReason(verbs: readonly string[]): string {
  const list = verbs.join(', ');
  return `fault verb${verbs.length === 1 ? '' : 's'} ${list} not available on the external target: the profile gives no balancer.target.faults.${verbs[0]} command (the harness does not control those nodes)`;
}

/**
 * A skip reason when the profile's deployment cannot perform every verb in `verbs`, else false. Harness-started
 * deployments (local, docker) can always perform them.
 */
export function faultSkipReason(profile: Profile, verbs: readonly FaultVerb[]): string | false {
  if (profile.balancer.kind !== 'external') return false;
  const commands = profile.balancer.target?.faults ?? {};
  const missing = verbs.filter((v) => !commands[v]);
  return missing.length ? missingVerbReason(missing) : false;
}

export function notAvailable(verb: FaultVerb): FaultNotAvailableError {
  return new FaultNotAvailableError(verb, missingVerbReason([verb]));
}

export interface CommandResult {
  code: number;
  output: string;
  ms: number;
}

/** Runs a profile's fault command with {node}/{verb} substituted (also as MQTT_LB_NODE / MQTT_LB_FAULT). */
export async function runFaultCommand(template: string, node: string, verb: FaultVerb, timeoutMs = 60_000): Promise<CommandResult> {
  const command = template.replaceAll('{node}', node).replaceAll('{verb}', verb);
  const t0 = Date.now();
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MQTT_LB_NODE: node, MQTT_LB_FAULT: verb } });
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
  if (code !== 0) throw new Error(`fault ${verb} ${node}: \`${command}\` exited with ${code}${result.output ? `:\n${result.output}` : ''}`);
  return result;
}
