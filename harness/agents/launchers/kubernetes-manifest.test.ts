/** The Kubernetes launcher's Indexed Job (not run against a cluster here: none is reachable; README.md says so). */
import { describe, expect, test } from '@jest/globals';
import { agentJobManifest, jobName } from './kubernetes-manifest.js';

const spec = { count: 4, controller: { host: 'ctl.example', port: 40123 }, token: 'secret', maxMs: 600_000 };

describe('Kubernetes agent Job manifest', () => {
  test('an Indexed Job: parallelism = completions = agents, the pod index is the agent index', () => {
    const job = agentJobManifest(spec, { runId: 'Run_42', namespace: 'load', image: 'reg/mqtt-lb:1' });
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'mqtt-lb-agents-run-42', namespace: 'load', labels: { 'mqtt-lb.run': 'Run_42' } },
      spec: { completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0 },
    });
    const pod = job.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0]!;
    expect(c.image).toBe('reg/mqtt-lb:1');
    expect([...c.command!, ...c.args!]).toEqual([
      'mqtt-lb',
      'agent',
      '--controller',
      'ctl.example:40123',
      '--max-s',
      '600',
    ]);
    expect(c.env).toEqual([
      { name: 'MQTT_LB_AGENT_TOKEN', value: 'secret' },
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      },
    ]);
    // Bounded twice: the agents' own --max-s, and Kubernetes' activeDeadlineSeconds a minute later.
    expect(job.spec!.activeDeadlineSeconds).toBe(660);
  });

  test('job names are DNS labels', () => {
    expect(jobName('x'.repeat(80))).toHaveLength(63);
    expect(jobName('A.b_c')).toBe('mqtt-lb-agents-a-b-c');
  });
});
