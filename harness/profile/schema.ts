/**
 * Profile format (YAML): which deployment to build, which suites to run, and the thresholds.
 * Documented in README "Profile format".
 */
import { z } from 'zod';
import { tlsSchema } from './tls-schema.js';
import { suiteThresholds } from '../suite/thresholds.js';
import { TRANSPORTS } from '../clients/transport.js';
import { BALANCER_KINDS, type BalancerKindName } from '../balancer/kinds.js';
import { loadSettingsSchema } from '../agents/settings.js';

/** `capacity` is opt-in: it runs only when a profile lists it (or --suites names it); it is never a default. */
export const SUITES = ['pubsub', 'tls', 'failover', 'fairness', 'keepalive', 'capacity'] as const;
export type SuiteName = (typeof SUITES)[number];

/** A custom suite: the path of a Jest test file (`*.test.ts`) that calls useDeployment() (harness/suite/public.ts). */
export const CUSTOM_SUITE_FILE = /\.test\.ts$/;

/** One `suites:` entry: a built-in suite's name, or a custom suite's file (relative to the profile file). */
const suiteEntry = z.string().refine((s) => (SUITES as readonly string[]).includes(s) || CUSTOM_SUITE_FILE.test(s), {
  error: `expected a built-in suite (${SUITES.join(', ')}) or the path of a test file (e.g. ./my-flows.test.ts)`,
});

const mapEntry = z.string().regex(/^[^=]+=node\d+$/, 'expected "host:port=nodeN"');

/** Fault verbs an external target can run as shell commands ({node} and {verb} are substituted). */
const faultCommands = z
  .object({
    kill: z.string().optional(),
    pause: z.string().optional(),
    resume: z.string().optional(),
    restart: z.string().optional(),
    stop: z.string().optional(),
  })
  .strict();

/**
 * An existing balancer (e.g. an AWS ELB) and, optionally, the nodes' REST APIs. Values may use `${ENV_VAR}`.
 * See harness/external/ and README "External target".
 */
export const externalTarget = z
  .object({
    /** Plain MQTT through the balancer: mqtt://host:port. */
    mqtt: z.string().min(1),
    /** MQTT over TLS through the balancer: mqtts://host:port. */
    mqtts: z.string().optional(),
    /** CA bundle (PEM) that signed the balancer's certificate, relative to the profile file. */
    ca: z.string().optional(),
    /** Dashboard through the balancer: http(s)://host:port. */
    dashboard: z.string().optional(),
    /** Node REST APIs (EMQX v5 subset): node name → http://host:port, or { api, mqtt } with the node's direct MQTT address. */
    nodes: z
      .record(
        z.string().regex(/^node\d+$/, 'expected node1, node2, …'),
        z.union([z.string(), z.object({ api: z.string(), mqtt: z.string().optional() }).strict()]),
      )
      .default({}),
    /** EMQX API key for the node APIs: "key:secret". */
    api_key: z.string().optional(),
    faults: faultCommands.default({}),
  })
  .strict();

/** `balancer.kind`: a kind of balancer/kinds.ts (the harness runs it), or `external` (an existing balancer). */
type BalancerKindChoice = BalancerKindName | 'external';
const [FIRST_KIND, ...OTHER_KINDS] = Object.keys(BALANCER_KINDS) as BalancerKindName[];
const BALANCER_KIND_NAMES: [BalancerKindChoice, ...BalancerKindChoice[]] = [FIRST_KIND!, ...OTHER_KINDS, 'external'];

export const profileSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    runtime: z.enum(['local', 'docker', 'auto']).default('auto'),
    broker: z
      .object({
        kind: z.enum(['standin', 'emqx', 'rabbitmq']).default('standin'),
        /** Docker runtime: node image (default per kind; env MQTT_LB_EMQX_IMAGE / MQTT_LB_STANDIN_IMAGE). */
        image: z.string().optional(),
        /** Docker runtime, stand-in: the Redis image (default mqtt-lb/redis:7 when built, else redis:7; env MQTT_LB_REDIS_IMAGE). */
        redis_image: z.string().optional(),
        nodes: z.number().int().min(1).max(9).default(3),
        trust_proxy: z.boolean().default(false),
        heartbeat_ms: z.number().int().positive().default(2000),
      })
      .strict()
      .default({ kind: 'standin', nodes: 3, trust_proxy: false, heartbeat_ms: 2000 }),
    balancer: z
      .object({
        kind: z.enum(BALANCER_KIND_NAMES),
        /** The user's balancer config (haproxy.cfg, TS-proxy YAML, nginx.conf); not used by `external`. */
        config: z.string().min(1).optional(),
        /** Explicit address mapping: "host:port=node2". */
        map: z.array(mapEntry).default([]),
        image: z.string().optional(),
        /** `kind: external`: an existing balancer to test (nothing is started). */
        target: externalTarget.optional(),
      })
      .strict()
      .superRefine((b, ctx) => {
        if (b.kind === 'external' && !b.target)
          ctx.addIssue({
            code: 'custom',
            path: ['target'],
            message: 'kind external needs `target: { mqtt: mqtt://host:port, … }`',
          });
        if (b.kind !== 'external' && !b.config)
          ctx.addIssue({
            code: 'custom',
            path: ['config'],
            message: `kind ${b.kind} needs \`config: <file>\` (the balancer config to run)`,
          });
        if (b.kind !== 'external' && b.target)
          ctx.addIssue({ code: 'custom', path: ['target'], message: 'target is only for kind external' });
      }),
    /** Built-in suite names and custom suite files (made absolute by the loader, harness/profile/suite-entries.ts). */
    suites: z.array(suiteEntry).min(1).default(['pubsub']),
    /** Per-suite thresholds and parameters: one schema per suite (harness/suite/thresholds.ts), unknown keys refused. */
    thresholds: suiteThresholds.prefault({}),
    clients: z
      .object({
        keepalive_s: z.number().int().positive().default(60),
        /** How the suites' clients reach the balancer: tcp (default), ws (`ws://…/mqtt` on the frontend in front of
         *  the nodes' port 8083), wss, or a mix such as [tcp, ws] (clients alternate). harness/clients/transport.ts */
        transport: z
          .union([z.enum(TRANSPORTS), z.array(z.enum(TRANSPORTS)).min(1, 'list at least one of tcp, ws, wss')])
          .default('tcp'),
      })
      .strict()
      .default({ keepalive_s: 60, transport: 'tcp' }),
    /** Network faults: `hop: true` puts a TS-proxy between the balancer and each node (one listener per node port,
     *  health-check ports included), so partition, delay, reset and bandwidth go through its toxics and take the
     *  balancer's checks the same path as traffic (harness/netfault/hop/). Local: a child process; docker: a
     *  container per node. */
    faults: z
      .object({ hop: z.boolean().default(false) })
      .strict()
      .default({ hop: false }),
    /** Load agents for the load engine's clients (harness/agents/settings.ts); absent = in the suite's own process. */
    load: loadSettingsSchema.optional(),
    /** TLS topology, certificates and policy for the tls suite (harness/profile/tls-schema.ts); absent = no TLS set-up. */
    tls: tlsSchema.optional(),
    report: z
      .object({
        /** Exit 1 when the `--baseline` comparison finds a regression (also without `--fail-on-regression`). */
        fail_on_regression: z.boolean().default(false),
      })
      .strict()
      .default({ fail_on_regression: false }),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema> & {
  /** Absolute path of the profile file. */
  file: string;
  /** Absolute path of the balancer config ('' for `balancer.kind: external`). */
  balancerConfigFile: string;
  name: string;
};
