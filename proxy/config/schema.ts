/**
 * zod schema of the YAML config. Unknown keys are errors (typos must not be silently ignored);
 * durations accept `500ms`, `2s`, `1m`, `1h` or plain milliseconds.
 */
import * as z from 'zod';
import { parseDuration } from '../util/duration.js';
import { parseHostPort } from '../util/address.js';
import { LOG_LEVELS } from '../util/log.js';

const NAME_RE = /^[A-Za-z0-9_.-]+$/;
const name = z.string().regex(NAME_RE, 'must be a non-empty name of letters, digits, "_", "." or "-"');

function duration(defaultMs: number) {
  return z
    .union([z.number(), z.string()], { error: 'must be a duration such as 500ms, 2s, 1m or a number of milliseconds' })
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a duration (use 500ms, 2s, 1m or a number of milliseconds)`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .default(defaultMs);
}

const bindAddress = z.string().refine((s) => parseHostPort(s) !== undefined, {
  message: 'must be "host:port" (e.g. "127.0.0.1:1883", "*:1883", "[::1]:1883")',
});
const serverAddress = z.string().refine(
  (s) => {
    const hp = parseHostPort(s);
    return hp !== undefined && hp.host !== '' && hp.port > 0;
  },
  { message: 'must be "host:port" with a host name or IP and a port 1-65535 (e.g. "10.0.0.5:1883")' },
);

/** The parser adds `line`; a re-dumped config may carry it, so it is accepted and recomputed. */
const line = z.number().int().optional();
const positiveInt = z.number().int().min(1);

const globalSchema = z.strictObject({
  maxconn: positiveInt.default(10_000),
  maxconn_policy: z.enum(['queue', 'refuse']).default('refuse'),
  queue_timeout: duration(5_000),
  log_level: z.enum(LOG_LEVELS as [string, ...string[]]).default('info'),
});

const adminSchema = z.strictObject({
  bind: bindAddress,
  token: z.string().min(1).nullable().default(null),
  line,
});

const sniSchema = z.strictObject({ servername: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) });

const tlsSchema = z.strictObject({
  cert: z.string().min(1),
  key: z.string().min(1),
  min_version: z.enum(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  ciphers: z.string().min(1).nullable().default(null),
  client_ca: z.string().min(1).nullable().default(null),
  verify: z.enum(['none', 'optional', 'required']).optional(),
  sni: z.array(sniSchema).default([]),
});

const frontendSchema = z.strictObject({
  name,
  bind: bindAddress,
  backend: name,
  tls: tlsSchema.nullable().default(null),
  inspect: z.enum(['mqtt', 'none']).default('mqtt'),
  timeouts: z.strictObject({ handshake: duration(5_000), idle: duration(300_000) }).prefault({}),
  rate_limit: z.strictObject({ per_source_per_s: positiveInt }).nullable().default(null),
  line,
});

const healthSchema = z.strictObject({
  type: z.enum(['none', 'tcp', 'http', 'mqtt']).default('tcp'),
  inter: duration(2_000),
  fall: positiveInt.default(3),
  rise: positiveInt.default(2),
  timeout: duration(2_000),
  port: z.number().int().min(1).max(65535).nullable().default(null),
  path: z.string().startsWith('/', 'must start with "/"').default('/'),
  expect_body: z.string().nullable().default(null),
  send_proxy: z.boolean().default(true),
});

const serverSchema = z.strictObject({
  name,
  address: serverAddress,
  weight: z.number().int().min(0).max(256).default(1),
  maxconn: positiveInt.nullable().default(null),
  state: z.enum(['ready', 'drain', 'maint']).default('ready'),
  line,
});

const algorithms = ['roundrobin', 'leastconn', 'source', 'random', 'clientid'] as const;

const backendSchema = z.strictObject({
  name,
  balance: z.enum(algorithms).default('roundrobin'),
  clientid: z
    .strictObject({
      inspect_timeout: duration(3_000),
      fallback: z.enum(['roundrobin', 'leastconn', 'source', 'random']).default('leastconn'),
      balance_factor: z.number().min(1, 'must be >= 1 (1.25 caps a node at 125% of the average load)').default(1.25),
    })
    .prefault({}),
  send_proxy: z.enum(['v1', 'v2']).nullable().default(null),
  on_marked_down: z.enum(['shutdown-sessions']).nullable().default(null),
  maxconn_policy: z.enum(['queue', 'refuse']).default('queue'),
  retries: z.number().int().min(0).max(10).default(2),
  timeouts: z.strictObject({ connect: duration(5_000), queue: duration(5_000) }).prefault({}),
  health: healthSchema.prefault({}),
  servers: z.array(serverSchema).min(1, 'a backend needs at least one server'),
  line,
});

export const proxyConfigSchema = z.strictObject({
  global: globalSchema.prefault({}),
  admin: adminSchema.nullable().default(null),
  frontends: z.array(frontendSchema).min(1, 'at least one frontend is required'),
  backends: z.array(backendSchema).min(1, 'at least one backend is required'),
});

export type ParsedConfig = z.output<typeof proxyConfigSchema>;
