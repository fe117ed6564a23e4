/** summary.json `deployment`: what was started for the run (broker nodes, balancer and its config as run, endpoints). */
import { z } from 'zod';
import { Finding } from '../finding.js';

/** One production-shaped line kept on the machine: the line as written, as run, and why. */
export const LineRewrite = z.object({ line: z.number(), original: z.string(), asRun: z.string(), reason: z.string() });
export type LineRewrite = z.infer<typeof LineRewrite>;

export const DeploymentSummary = z.object({
  runtime: z.string(),
  broker: z.object({
    kind: z.string(),
    version: z.string(),
    /** rssBytes: each node's resident memory just after the cluster start (absent: not measured, e.g. docker). */
    nodes: z.array(z.object({ name: z.string(), mqtt: z.string(), http: z.string(), rssBytes: z.number().optional() })),
    capabilities: z.record(z.string(), z.unknown()).optional(),
    /** ms from asking the runtime for the cluster until every node served, clustered (absent: external target). */
    startMs: z.number().optional(),
  }),
  balancer: z.object({
    kind: z.string(),
    version: z.string(),
    configFile: z.string().optional(),
    config: z.string().optional(),
    mapping: z.array(
      z.object({
        backend: z.string(),
        server: z.string(),
        original: z.string(),
        line: z.number(),
        node: z.string(),
        mapped: z.string(),
      }),
    ),
    /** Production-sized settings scaled to the machine, each on its line (absent: none, or an older summary). */
    machineFit: z
      .object({ where: z.string(), openFilesLimit: z.number(), cpus: z.number(), rewrites: z.array(LineRewrite) })
      .optional(),
    /** server-template, socket binds and peers kept on the machine, each on its line (absent: none). */
    addressRewrites: z.array(LineRewrite).optional(),
  }),
  endpoints: z.record(z.string(), z.string()),
  startup_ms: z.number(),
  /** Errors seen while starting the deployment (e.g. a server never UP): shown at the top of the report. */
  startup_findings: z.array(Finding).optional(),
});
export type DeploymentSummary = z.infer<typeof DeploymentSummary>;
