/**
 * `mqtt-lb doctor [-p <profile>…] [--json]`: what the harness can use here (and what the given profiles need beyond
 * it), and exactly what to install for what is missing.
 */
import { parseArgs } from 'node:util';
import { installCommands, runChecks } from './doctor-checks.js';
import { profileChecks } from './doctor-profile.js';

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      profile: { type: 'string', short: 'p', multiple: true, default: [] },
    },
    strict: true,
  });
  const checks = [...(await runChecks()), ...profileChecks(values.profile)];
  const install = installCommands(checks);
  const requiredMissing = checks.filter((c) => c.required && !c.ok);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ checks, install, ready: requiredMissing.length === 0 }, null, 2)}\n`);
    return requiredMissing.length ? 1 : 0;
  }
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map(
    (c) =>
      `  ${c.ok ? '✓' : c.required ? '✗' : '–'} ${c.name.padEnd(width)}  ${c.detail}${c.ok ? '' : `  — needed for ${c.forWhat}`}`,
  );
  process.stdout.write(`mqtt-lb doctor\n${lines.join('\n')}\n\n`);
  if (install.length)
    process.stdout.write(`To install what is missing:\n${install.map((l) => `  ${l}`).join('\n')}\n\n`);
  process.stdout.write(
    requiredMissing.length
      ? `Not ready: ${requiredMissing.map((c) => c.name).join(', ')} missing (required for the local runtime${values.profile.length ? ' and the given profiles' : ''}).\n`
      : `Ready for the local runtime${values.profile.length ? ' and the given profiles' : ''}${checks.some((c) => !c.ok) ? ' (optional parts missing: see above)' : ''}.\n`,
  );
  return requiredMissing.length ? 1 : 0;
}
