/**
 * Profile `load:` — how the load engine's clients are spread (absent: in this process, as before):
 *
 *   load:
 *     agents: 3              agent processes; each gets a chunk of every plan (client-id range, source pool, rate)
 *     launcher: local        local (child processes, the default) | docker (containers on the run's network) |
 *                            kubernetes (an Indexed Job in `context`; the controller must be reachable from the pods)
 *     context: my-cluster    kubernetes: the kubeconfig context to use (required for kubernetes)
 *     namespace: default     kubernetes: the namespace of the Job
 *     image: …               docker/kubernetes: the agent image (default: the node image, mqtt-lb/node)
 *     controller_address: …  kubernetes: the address pods dial to reach the controller (default: this host's name)
 *     max_s: 900             each agent's hard time bound in seconds
 */
import { z } from 'zod';

export const LAUNCHERS = ['local', 'docker', 'kubernetes'] as const;

export const loadSettingsSchema = z
  .object({
    agents: z
      .number({ error: 'expected a whole number of agents' })
      .int({ error: 'expected a whole number of agents' })
      .min(1)
      .max(64),
    launcher: z.enum(LAUNCHERS).default('local'),
    context: z.string().min(1).optional(),
    namespace: z.string().min(1).default('default'),
    image: z.string().min(1).optional(),
    controller_address: z.string().min(1).optional(),
    max_s: z.number().int().min(10).max(86_400).default(900),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.launcher === 'kubernetes' && !l.context)
      ctx.addIssue({
        code: 'custom',
        path: ['context'],
        message: 'launcher kubernetes needs `context: <kubeconfig context>` (the cluster to create the Job in)',
      });
    if (l.launcher !== 'kubernetes' && l.context)
      ctx.addIssue({ code: 'custom', path: ['context'], message: 'context is only for launcher kubernetes' });
  });

export type LoadSettings = z.output<typeof loadSettingsSchema>;
