/** Argument handling shared by the subcommands: profiles with command-line overrides, checked before anything starts. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadProfile } from '../profile/load.js';
import type { Profile } from '../profile/schema.js';
import { ConfigError } from '../errors.js';
import { preflightProfile } from '../balancer/preflight.js';
import { resolveExternalTarget } from '../external/target.js';
import type { FaultVerb } from '../types.js';

/** Wrong use of a command (missing or unknown argument): exit 2 with the command's help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const FAULT_VERBS: readonly FaultVerb[] = ['kill', 'pause', 'resume', 'restart', 'stop'];

export interface ProfileEntry {
  file: string;
  /** Found by listing a folder given to --profile (not named one by one). */
  fromFolder: boolean;
}

export function expandProfileEntries(paths: string[]): ProfileEntry[] {
  return paths.flatMap((p): ProfileEntry[] => {
    if (!existsSync(p))
      throw new ConfigError(
        `profile not found: ${p}`,
        undefined,
        undefined,
        'pass a YAML file or a folder of them to --profile',
      );
    if (statSync(p).isDirectory()) {
      const files = readdirSync(p)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(p, f));
      if (!files.length) throw new ConfigError(`no *.yaml profiles in folder ${p}`);
      return files.map((file) => ({ file, fromFolder: true }));
    }
    return [{ file: p, fromFolder: false }];
  });
}

export function expandProfiles(paths: string[]): string[] {
  return expandProfileEntries(paths).map((e) => e.file);
}

export interface ProfileOverrides {
  runtime?: string;
  map?: string[];
}

export function checkRuntime(runtime: string | undefined): void {
  if (runtime && !['local', 'docker', 'auto'].includes(runtime))
    throw new ConfigError(`--runtime ${runtime}: expected local, docker or auto`);
}

/** Loads each profile with the overrides applied (no I/O beyond reading files). */
export function loadProfiles(paths: string[], overrides: ProfileOverrides): Profile[] {
  return loadProfileEntries(paths, overrides).map((e) => e.profile);
}

export function loadProfileEntries(
  paths: string[],
  overrides: ProfileOverrides,
): Array<ProfileEntry & { profile: Profile }> {
  checkRuntime(overrides.runtime);
  return expandProfileEntries(paths).map((e) => {
    const p = loadProfile(e.file, { runtime: overrides.runtime });
    if (overrides.map?.length) p.balancer.map = [...p.balancer.map, ...overrides.map];
    return { ...e, profile: p };
  });
}

/** Everything that can be checked before starting: the balancer config (haproxy -c, mapping) or the external target. */
export async function preflight(profile: Profile): Promise<void> {
  if (profile.balancer.target) resolveExternalTarget(profile);
  else await preflightProfile(profile);
}
