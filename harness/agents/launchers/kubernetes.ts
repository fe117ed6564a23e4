/**
 * Kubernetes agents: one Indexed Job (kubernetes-manifest.ts) created through @kubernetes/client-node's BatchV1Api
 * in the kubeconfig context the profile names, deleted (with its pods) at the end. The pods dial the controller,
 * which listens on every interface of this machine; `load.controller_address` says how the pods reach it.
 * Not run against a cluster here (none is reachable): see harness/agents/README.md.
 */
import os from 'node:os';
import type { LoadPlan } from '../../load/plan.js';
import type { LoadSettings } from '../settings.js';
import type { Launcher, LaunchSpec } from './launcher.js';
import { agentJobManifest, jobName } from './kubernetes-manifest.js';

export class KubernetesLauncher implements Launcher {
  readonly kind = 'kubernetes';
  private deleteJob: (() => Promise<void>) | null = null;

  constructor(
    private readonly settings: LoadSettings,
    private readonly runId: string,
  ) {}

  controllerAddress(): Promise<{ bind: string; advertise: string }> {
    return Promise.resolve({ bind: '0.0.0.0', advertise: this.settings.controller_address ?? os.hostname() });
  }

  /** Pods have their own addresses: no loopback source pool. */
  agentPlan(plan: LoadPlan): LoadPlan {
    const { sourcePool: _unused, ...rest } = plan;
    return rest;
  }

  async launch(spec: LaunchSpec): Promise<void> {
    const image = this.settings.image;
    if (!image)
      throw new Error(
        'load.launcher kubernetes needs `image:` (an image with the harness installed, `mqtt-lb` on PATH)',
      );
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromDefault();
    kc.setCurrentContext(this.settings.context!);
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const namespace = this.settings.namespace;
    const body = agentJobManifest(spec, { runId: this.runId, namespace, image });
    await batch.createNamespacedJob({ namespace, body });
    const name = jobName(this.runId);
    this.deleteJob = async () => {
      await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
    };
  }

  async stop(): Promise<void> {
    await this.deleteJob?.();
    this.deleteJob = null;
  }
}
