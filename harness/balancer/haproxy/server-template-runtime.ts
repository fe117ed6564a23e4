/** Gives each server-template server its node address through the runtime API, after every (re)start of HAProxy. */
import { ConfigError } from '../../errors.js';
import { runtimeCommand } from './runtime-api.js';
import { runtimeAddressCommands } from './server-template.js';
import type { MappedHaproxyConfig } from './map-config.js';

/** HAProxy 2.6 answers "IP changed from … to …" / "no need to change the addr…" when the command took effect. */
const ACCEPTED = /changed|no need to change/i;

export async function setTemplateAddresses(
  api: string,
  mapped: Pick<MappedHaproxyConfig, 'runtimeAddresses'>,
  userFile: string,
): Promise<void> {
  const commands = runtimeAddressCommands(mapped.runtimeAddresses);
  for (const [i, command] of commands.entries()) {
    const answer = (await runtimeCommand(api, command)).trim();
    if (!ACCEPTED.test(answer))
      throw new ConfigError(
        `HAProxy refused '${command}' for server-template server ${mapped.runtimeAddresses[i]!.server}: ${answer}`,
        userFile,
        mapped.runtimeAddresses[i]!.line,
        'write one `server` line per node for the test run',
      );
  }
}
