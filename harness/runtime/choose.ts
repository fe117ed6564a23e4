/** Picks the runtime a profile asks for: `local`, `docker`, or `auto` (docker when usable, else local, saying why). */
import type { Profile } from '../profile/schema.js';
import type { Runtime } from './runtime.js';
import type { RunDir } from '../proc/run-dir.js';
import { LocalRuntime } from '../local/local-runtime.js';
import { ConfigError } from '../errors.js';

export type RuntimeFactory = (
  profile: Profile,
  runDir: RunDir,
  say: (m: string) => void,
) => Promise<Runtime | { unavailable: string }>;

/** Registered by the docker runtime module when present. */
export const runtimeFactories: Record<string, RuntimeFactory> = {
  local: async (_p, runDir) => new LocalRuntime(runDir),
};

export async function chooseRuntime(profile: Profile, runDir: RunDir, say: (m: string) => void): Promise<Runtime> {
  const wanted = profile.runtime;
  if (wanted === 'local') return new LocalRuntime(runDir);
  const docker = runtimeFactories.docker;
  const result = docker
    ? await docker(profile, runDir, say)
    : { unavailable: 'the docker runtime is not built into this version' };
  if (!('unavailable' in result)) return result;
  if (wanted === 'docker')
    throw new ConfigError(
      `runtime: docker requested but unavailable: ${result.unavailable}`,
      profile.file,
      undefined,
      'start a Docker engine, or use `runtime: local` / `--runtime local`',
    );
  say(`runtime auto → local: ${result.unavailable}`);
  return new LocalRuntime(runDir);
}
