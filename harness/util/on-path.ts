/** Whether a program is installed: an executable file on PATH, or the path given by an override env variable. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when `program` (or `process.env[overrideEnv]`, when set) is executable. */
export function onPath(program: string, overrideEnv?: string): boolean {
  const override = overrideEnv ? process.env[overrideEnv] : undefined;
  const candidates = override
    ? [override]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, program));
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
