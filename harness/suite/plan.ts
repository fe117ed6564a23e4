/**
 * The run plan: everything a suite needs to know about its run, resolved once by the CLI parent after preflight (the
 * profile with every command-line override applied, parsed thresholds, abilities, run id, results dir) and handed to
 * the Jest child as one JSON file (env MQTT_LB_RUN_PLAN), so the child never parses the YAML a second time.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { profileSchema, type Profile } from '../profile/schema.js';
import { loadProfile } from '../profile/load.js';
import type { SuiteThresholds } from './thresholds.js';
import type { Abilities } from '../needs.js';
import type { BalancerFacts } from '../facts.js';
import { resolveAbilities } from '../abilities.js';
import { projectRoot } from '../util/project-root.js';

export const RUN_PLAN_ENV = 'MQTT_LB_RUN_PLAN';
export const DEFAULT_PROFILE = 'fixtures/profiles/haproxy-roundrobin.yaml';

export interface RunPlan {
  schema: 1;
  /** The profile with every CLI override applied (--map, --runtime…). */
  profile: Profile;
  thresholds: SuiteThresholds;
  /** What the run can do, known before anything starts (harness/needs.ts). */
  abilities: Abilities;
  /** The balancer config's facts read statically, when they can be (tests that apply only to some configs). */
  balancerFacts?: BalancerFacts;
  runId: string;
  /** Where each suite writes `<suite>.json` (findings, skip reasons, metrics); undefined = nowhere. */
  resultsDir?: string;
}

const planSchema = z.object({
  schema: z.literal(1),
  profile: profileSchema.extend({ file: z.string(), balancerConfigFile: z.string(), name: z.string() }),
  abilities: z.record(z.string(), z.unknown()),
  balancerFacts: z.record(z.string(), z.unknown()).optional(),
  runId: z.string().min(1),
  resultsDir: z.string().optional(),
});

/** Resolves a plan for a profile already loaded with its overrides (and preflighted). */
export async function buildRunPlan(profile: Profile, opts: { runId: string; resultsDir?: string }): Promise<RunPlan> {
  const { abilities, balancerFacts } = await resolveAbilities(profile);
  return {
    schema: 1,
    profile,
    thresholds: profile.thresholds,
    abilities,
    ...(balancerFacts ? { balancerFacts } : {}),
    runId: opts.runId,
    ...(opts.resultsDir ? { resultsDir: opts.resultsDir } : {}),
  };
}

export function writeRunPlan(plan: RunPlan, file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(plan, null, 1));
  return file;
}

/** Reads a plan written by writeRunPlan; the profile part is validated again by the profile schema. */
export function readRunPlan(file: string): RunPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`run plan ${file}: cannot read it (${(err as Error).message})`);
  }
  const r = planSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`run plan ${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const data = r.data as unknown as Omit<RunPlan, 'thresholds'>;
  return { ...data, thresholds: data.profile.thresholds };
}

/**
 * The plan of this process: the file named by MQTT_LB_RUN_PLAN (written by `mqtt-lb run`), else one resolved here
 * from MQTT_LB_PROFILE or the default fixture profile, so that `npx jest suites/…` works without the CLI.
 */
export async function currentPlan(env: NodeJS.ProcessEnv = process.env): Promise<RunPlan> {
  const file = env[RUN_PLAN_ENV];
  if (file) return readRunPlan(file);
  const profile = loadProfile(env.MQTT_LB_PROFILE ?? path.join(projectRoot(), DEFAULT_PROFILE), {
    runtime: env.MQTT_LB_RUNTIME,
  });
  return buildRunPlan(profile, { runId: `local-${process.pid}`, resultsDir: env.MQTT_LB_RESULTS_DIR });
}
