/** `mqtt-lb agent`: the load engine as a worker of a controller (harness/agents/worker/main.ts); bad usage → exit 2. */
import { agentMain, AgentUsageError } from '../agents/worker/main.js';
import { UsageError } from './args.js';

export async function agentCommand(argv: string[]): Promise<number> {
  try {
    return await agentMain(argv);
  } catch (err) {
    if (err instanceof AgentUsageError) throw new UsageError(err.message);
    throw err;
  }
}
