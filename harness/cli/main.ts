/** mqtt-lb command-line entry: dispatches subcommands; exit 2 for bad usage or configuration. */
import { isConfigError } from '../errors.js';
import { USAGE } from './usage.js';
import { runCommand } from './run-command.js';

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const handler = commands[cmd];
  if (!handler) {
    process.stderr.write(`mqtt-lb: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await handler(rest);
  } catch (err) {
    if (isConfigError(err)) {
      process.stderr.write(`mqtt-lb: ${err.format()}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`mqtt-lb: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`mqtt-lb: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
