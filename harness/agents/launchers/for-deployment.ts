/**
 * The launcher a profile's `load.launcher` names, for the running deployment: local child processes, docker
 * containers on the deployment's network (docker runtime only), or a Kubernetes Indexed Job in the named context.
 */
import type { Deployment } from '../../types.js';
import type { LoadSettings } from '../settings.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher } from './local.js';

export async function launcherFor(settings: LoadSettings, deployment: Deployment): Promise<Launcher> {
  switch (settings.launcher) {
    case 'local':
      return new LocalLauncher();
    case 'docker': {
      if (deployment.runtime !== 'docker')
        throw new Error(
          `load.launcher docker needs the docker runtime (this run is ${deployment.runtime}): agent containers join the run's network`,
        );
      const { DockerLauncher } = await import('./docker.js');
      return DockerLauncher.forRun(deployment, settings);
    }
    case 'kubernetes': {
      const { KubernetesLauncher } = await import('./kubernetes.js');
      return new KubernetesLauncher(settings, deployment.runId);
    }
  }
}
