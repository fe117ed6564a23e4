/**
 * Profile format (YAML): which deployment to build, which suites to run, and the thresholds.
 * Documented in README "Profile format".
 */
import { z } from 'zod';

export const SUITES = ['pubsub', 'tls', 'failover', 'fairness', 'keepalive'] as const;
export type SuiteName = (typeof SUITES)[number];

const mapEntry = z.string().regex(/^[^=]+=node\d+$/, 'expected "host:port=nodeN"');

export const profileSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    runtime: z.enum(['local', 'docker', 'auto']).default('local'),
    broker: z
      .object({
        kind: z.enum(['standin', 'emqx']).default('standin'),
        image: z.string().optional(),
        nodes: z.number().int().min(1).max(9).default(3),
        trust_proxy: z.boolean().default(false),
        heartbeat_ms: z.number().int().positive().default(2000),
      })
      .strict()
      .default({ kind: 'standin', nodes: 3, trust_proxy: false, heartbeat_ms: 2000 }),
    balancer: z
      .object({
        kind: z.enum(['haproxy', 'ts-proxy']),
        config: z.string().min(1),
        /** Explicit address mapping: "host:port=node2". */
        map: z.array(mapEntry).default([]),
        image: z.string().optional(),
      })
      .strict(),
    suites: z.array(z.enum(SUITES)).min(1).default(['pubsub']),
    /** Per-suite thresholds and parameters; each suite documents and validates its own keys. */
    thresholds: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    clients: z
      .object({ keepalive_s: z.number().int().positive().default(60) })
      .strict()
      .default({ keepalive_s: 60 }),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema> & {
  /** Absolute path of the profile file. */
  file: string;
  /** Absolute path of the balancer config. */
  balancerConfigFile: string;
  name: string;
};
