/**
 * `external-check command <path>`: HAProxy runs the user's own check script. One that does not exist on this machine
 * fails every check (PROCERR) and would look like dead nodes: refuse before anything starts, naming the line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { ParsedCfg } from './parse.js';

export function requireExternalCheckScripts(cfg: ParsedCfg, file: string): void {
  for (const section of cfg.sections) {
    for (const l of section.lines) {
      if (l.tokens[0] !== 'external-check' || l.tokens[1] !== 'command') continue;
      const script = (l.tokens[2] ?? '').replace(/^"|"$/g, '');
      if (!script || !path.isAbsolute(script) || existsSync(script)) continue;
      throw new ConfigError(
        `external-check command ${script} does not exist on this machine: HAProxy would mark every server of '${section.name}' DOWN (PROCERR)`,
        file,
        l.line,
        `install the check script at ${script} (it is part of what is under test), or use a check the harness can run (option httpchk, tcp-check)`,
      );
    }
  }
}
