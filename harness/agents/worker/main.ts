/**
 * The agent process: `mqtt-lb agent --controller host:port [--index N] [--max-s S]` (also runnable as
 * `node dist/harness/agents/worker/main.js …`, which is what agent containers run: it imports only the engine). The index
 * falls back to JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index), the token comes from
 * MQTT_LB_AGENT_TOKEN. Exits when the controller says bye or goes away, on SIGTERM/SIGINT, and at its time bound.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Agent } from './agent.js';
import { TOKEN_ENV } from '../launchers/launcher.js';

export const AGENT_HELP = `mqtt-lb agent — run the load engine as a worker of a controller (started by \`mqtt-lb run\`)

Usage:
  mqtt-lb agent --controller <host:port> [--index <n>] [--max-s <seconds>]

Options:
  --controller <host:port>   the controller to dial (it hands out plan chunks and collects the results)
  --index <n>                this agent's index (default: $JOB_COMPLETION_INDEX, a Kubernetes Indexed Job's pod index)
  --max-s <seconds>          hard time bound: close everything and exit after this (default 900)

The controller's token is read from $${TOKEN_ENV}. The agent stops by itself when the control connection closes.
Launchers (profile \`load: { agents, launcher }\`) start agents; running one by hand is for debugging.
`;

/** Thrown for a bad command line (the CLI turns it into exit 2 with the help). */
export class AgentUsageError extends Error {
  override name = 'UsageError';
}

export async function agentMain(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { controller: { type: 'string' }, index: { type: 'string' }, 'max-s': { type: 'string' } },
    strict: true,
  });
  const m = /^(.+):(\d+)$/.exec(values.controller ?? '');
  if (!m) throw new AgentUsageError('--controller <host:port> is required');
  const index = Number(values.index ?? env['JOB_COMPLETION_INDEX']);
  if (!Number.isInteger(index) || index < 0)
    throw new AgentUsageError('--index <n> (or $JOB_COMPLETION_INDEX) is required');
  const maxS = Number(values['max-s'] ?? 900);
  if (!(maxS > 0)) throw new AgentUsageError('--max-s must be a positive number of seconds');
  const token = env[TOKEN_ENV];
  if (!token) throw new AgentUsageError(`$${TOKEN_ENV} is not set`);
  const agent = new Agent({
    controller: { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) },
    index,
    token,
    maxMs: maxS * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const onSignal = (): void => agent.terminate();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await agent.run();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  agentMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`mqtt-lb agent: ${err.message}\n`);
      process.exit(err instanceof AgentUsageError ? 2 : 1);
    },
  );
}
