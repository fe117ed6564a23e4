/** mqtt-lb command-line entry: dispatches subcommands; exit 2 for bad usage or configuration. */
import { isConfigError } from '../errors.js';
import { COMMAND_HELP, USAGE } from './usage.js';
import { UsageError } from './args.js';

/** Each command's module loads only when it runs: `status` or `fault` must not pay for the report's chart libraries. */
const commands: Record<string, (argv: string[]) => Promise<number>> = {
  run: async (argv) => (await import('./run-command.js')).runCommand(argv),
  up: async (argv) => (await import('./up-command.js')).upCommand(argv),
  status: async (argv) => (await import('./status-command.js')).statusCommand(argv),
  fault: async (argv) => (await import('./fault-command.js')).faultCommand(argv),
  down: async (argv) => (await import('./down-command.js')).downCommand(argv),
  doctor: async (argv) => (await import('./doctor-command.js')).doctorCommand(argv),
  agent: async (argv) => (await import('./agent-command.js')).agentCommand(argv),
};

const wantsHelp = (argv: string[]): boolean => argv.includes('--help') || argv.includes('-h');

function help(cmd: string | undefined): string {
  return (cmd && COMMAND_HELP[cmd]) || USAGE;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'help') {
    const topic = rest[0];
    if (topic && !COMMAND_HELP[topic]) {
      process.stderr.write(`mqtt-lb: no help for unknown command '${topic}'\n\n${USAGE}`);
      return 2;
    }
    process.stdout.write(help(topic));
    return 0;
  }
  const handler = commands[cmd];
  if (!handler) {
    process.stderr.write(`mqtt-lb: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(help(cmd));
    return 0;
  }
  try {
    return await handler(rest);
  } catch (err) {
    if (isConfigError(err)) {
      process.stderr.write(`mqtt-lb ${cmd}: ${err.format()}\n`);
      return 2;
    }
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`mqtt-lb ${cmd}: ${(err as Error).message}\n  (see: mqtt-lb ${cmd} --help)\n`);
      return 2;
    }
    process.stderr.write(`mqtt-lb ${cmd}: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
