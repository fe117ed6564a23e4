/**
 * Plugs the docker runtime into `chooseRuntime` (harness/runtime/choose.ts). Imported for its effect by
 * harness/deployment.ts; the runtime module (and testcontainers) loads only when a profile asks for docker or auto.
 */
import { runtimeFactories } from '../runtime/choose.js';

runtimeFactories.docker = async (profile, runDir, say) =>
  (await import('./runtime.js')).createDockerRuntime(profile, runDir, say);
