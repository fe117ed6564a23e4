/**
 * The Kubernetes Indexed Job that runs `count` load agents: completionMode Indexed, parallelism = completions =
 * agents, each pod's completion index its agent index (JOB_COMPLETION_INDEX), the controller address and the agent
 * time bound on the command line, the token in the environment. Nothing else is created in the cluster.
 */
import type { V1Job } from '@kubernetes/client-node';
import { TOKEN_ENV, type LaunchSpec } from './launcher.js';

export interface JobOptions {
  /** The run id: names and labels the Job. */
  runId: string;
  namespace: string;
  /** An image with the harness installed (`mqtt-lb` on the PATH). */
  image: string;
}

/** Job names are DNS labels (≤ 63, lowercase alphanumerics and '-'). */
export function jobName(runId: string): string {
  const safe = runId.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `mqtt-lb-agents-${safe}`.slice(0, 63).replace(/-+$/, '');
}

/** The pod annotation Kubernetes sets to the completion index in Indexed mode. */
const INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

export function agentJobManifest(spec: LaunchSpec, o: JobOptions): V1Job {
  const labels = { 'app.kubernetes.io/name': 'mqtt-lb-agent', 'mqtt-lb.run': o.runId.slice(0, 63) };
  const maxS = Math.ceil(spec.maxMs / 1000);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(o.runId), namespace: o.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: spec.count,
      parallelism: spec.count,
      // An agent that fails is not retried: the controller reports it and the run goes on without a second copy.
      backoffLimit: 0,
      // Kubernetes ends the pods even if the agents' own bound failed (+60 s for image pull and start).
      activeDeadlineSeconds: maxS + 60,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'agent',
              image: o.image,
              command: ['mqtt-lb'],
              args: [
                'agent',
                '--controller',
                `${spec.controller.host}:${spec.controller.port}`,
                '--max-s',
                String(maxS),
              ],
              env: [
                { name: TOKEN_ENV, value: spec.token },
                { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: INDEX_ANNOTATION } } },
              ],
            },
          ],
        },
      },
    },
  };
}
