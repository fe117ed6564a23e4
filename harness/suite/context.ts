/**
 * The harness API for suites: one deployment per suite file (started in beforeAll, stopped in
 * afterAll, so a fault-injecting suite never shares a deployment), an MQTT client pool, findings,
 * metrics, and tests declared with what they need (skipped with the reason when the run cannot provide it).
 * Everything about the run comes from the run plan (harness/suite/plan.ts), resolved once by the CLI.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Capabilities, Deployment } from '../types.js';
import type { Finding } from '../finding.js';
import type { SuiteMetricsOf } from '../results/metrics.js';
import type { Profile, SuiteName } from '../profile/schema.js';
import type { BalancerFacts } from '../facts.js';
import { startDeployment } from '../deployment.js';
import { capabilitiesOf } from '../brokers/capabilities.js';
import { ClientPool } from '../clients/mqtt.js';
import { protocolDiagnostics } from '../clients/protocol-diagnostics.js';
import { TransportRoute, transportList } from '../clients/transport.js';
import { SuiteRecorder, type MetricKey } from './records.js';
import { summarizeDeployment } from './deployment-summary.js';
import { NoServerUpError } from '../balancer/startup-checks.js';
import { stopRun, throwIfRunStopped } from './run-stop.js';
import { currentPlan, type RunPlan } from './plan.js';
import type { SuiteThresholds } from './thresholds.js';
import { unmet, type Abilities, type Need } from '../needs.js';

export { DEFAULT_PROFILE } from './plan.js';

/** The plan of this Jest process, resolved once when the first suite module loads. */
const plan: RunPlan = await currentPlan();

/** The profile of this run, with the CLI's overrides applied (from the run plan). */
export function currentProfile(): Profile {
  return plan.profile;
}

export interface TestOptions {
  /** What the test needs; the first unmet need skips it with its reason (harness/needs.ts). */
  needs?: readonly Need[];
  /** Why the test does not apply to this balancer config, or false. Checked on the static facts before the run
   *  (skip), and on the running deployment's facts (an info finding "not applicable", never a silent pass). */
  appliesTo?: (facts: BalancerFacts) => string | false;
  timeoutMs?: number;
}

/** What every suite gets, built-in or custom (harness/suite/public.ts). */
export interface SuiteHarnessCore<S extends string = string> {
  readonly plan: RunPlan;
  readonly profile: Profile;
  readonly abilities: Abilities;
  readonly capabilities: Capabilities;
  readonly deployment: Deployment;
  readonly pool: ClientPool;
  readonly recorder: SuiteRecorder<S>;
  /** Errors of the deployment's startup (e.g. a server the balancer never reported UP); also in every suite's report. */
  readonly startupFindings: readonly Finding[];
  /** Attaches a finding to the running test. */
  finding(f: Finding): void;
  /** Sets `metrics.<suite>.<key>`, typed by the suite's metrics schema (harness/results/): a wrong shape does not compile. */
  metric<K extends MetricKey<S>>(key: K, value: SuiteMetricsOf<S>[K]): void;
  /** A test, skipped with the reason recorded for the report when a need is unmet or it does not apply. */
  test(name: string, opts: TestOptions, fn: () => Promise<void>): void;
  /** Why this run cannot meet `needs` (the skip reason), or false. */
  unmet(needs: readonly Need[]): string | false;
  /** `test`, or `test.skip` with the reason recorded for the report when `skipReason` is a string. */
  testUnless(skipReason: string | false | undefined, name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

/** A built-in suite's harness: the core and its `thresholds.<suite>`. */
export interface SuiteHarness<S extends SuiteName = SuiteName> extends SuiteHarnessCore<S> {
  /** This suite's `thresholds.<suite>`, parsed with its schema (defaults applied). */
  readonly thresholds: SuiteThresholds[S];
  /** One key of `thresholds.<suite>` (prefer `thresholds`, which is typed). */
  threshold<T>(key: string, fallback: T): T;
}

/** The deployment's start (cluster, balancer, first checks) on a backend that declares no boot time. */
const START_BOUND_MS = 120_000;

/** A built-in suite's deployment, started before its first test and stopped after its last. */
export function useDeployment<S extends SuiteName>(suite: S): SuiteHarness<S> {
  return harnessFor(suite, plan.thresholds[suite]) as unknown as SuiteHarness<S>;
}

/**
 * A custom suite's deployment (no thresholds of its own); `name` keys its findings, skip reasons and metrics in the
 * report and must be the file's name without `.test.ts` (harness/suite/public.ts derives it).
 */
export function useCustomDeployment(name: string): SuiteHarnessCore {
  return harnessFor(name, undefined) as unknown as SuiteHarnessCore;
}

function harnessFor<S extends string>(
  suite: S,
  thresholds: unknown,
): SuiteHarnessCore<S> & Pick<SuiteHarness, 'thresholds' | 'threshold'> {
  const profile = plan.profile;
  const capabilities = capabilitiesOf(profile.broker.kind);
  const recorder = new SuiteRecorder(suite, profile.name, plan.resultsDir);
  const pool = new ClientPool();
  let deployment: Deployment | undefined;
  const testName = (): string => expect.getState().currentTestName ?? '(suite)';

  beforeAll(
    async () => {
      try {
        throwIfRunStopped();
        deployment = await startDeployment(profile);
        pool.diagnostics = protocolDiagnostics(
          deployment,
          profile.broker.trust_proxy,
          (f) => recorder.addFinding(testName(), f),
          testName,
        );
        pool.route = new TransportRoute(
          transportList(profile.clients.transport),
          deployment.endpoints,
          deployment.tls && { ca: deployment.tls.ca, servername: deployment.tls.servername },
        );
        recorder.record.deployment = summarizeDeployment(deployment);
        recorder.flush();
      } catch (err) {
        if (err instanceof NoServerUpError) stopRun(err);
        recorder.record.error = (err as Error).message;
        recorder.flush();
        throw err;
      }
      // a backend whose nodes boot slowly (capabilities.bootMs: RabbitMQ) gets that much more, twice (first node, then
      // the others in parallel)
    },
    START_BOUND_MS + 2 * (capabilities.bootMs ?? 0),
  );

  afterAll(async () => {
    if (pool.phases.clients > 0)
      recorder.metric('connect_phases' as MetricKey<S>, pool.phases.summary() as SuiteMetricsOf<S>[MetricKey<S>]);
    await pool.closeAll();
    await deployment?.stop();
  }, 60_000);

  const h: SuiteHarnessCore<S> & Pick<SuiteHarness, 'thresholds' | 'threshold'> = {
    plan,
    profile,
    abilities: plan.abilities,
    capabilities,
    thresholds: thresholds as SuiteThresholds[SuiteName],
    pool,
    recorder,
    get startupFindings(): readonly Finding[] {
      return deployment?.startupFindings ?? [];
    },
    get deployment(): Deployment {
      if (!deployment)
        throw new Error('the deployment is not running (its startup failed: see the first error of this suite)');
      return deployment;
    },
    finding(f) {
      recorder.addFinding(testName(), f);
    },
    metric(key, value) {
      recorder.metric(key, value);
    },
    unmet(needs) {
      return unmet(needs, plan.abilities);
    },
    test(name, opts, fn) {
      const { appliesTo } = opts;
      const reason =
        unmet(opts.needs ?? [], plan.abilities) ||
        (appliesTo && plan.balancerFacts ? appliesTo(plan.balancerFacts) : false);
      const body = async (): Promise<void> => {
        const facts = appliesTo ? h.deployment.balancerFacts : undefined;
        const late = appliesTo && facts ? appliesTo(facts) : false;
        if (late) {
          h.finding({ severity: 'info', title: `Not applicable to this config: ${late}` });
          return;
        }
        await fn();
      };
      h.testUnless(reason, name, body, opts.timeoutMs);
    },
    testUnless(skipReason, name, fn, timeoutMs) {
      if (typeof skipReason === 'string' && skipReason) {
        recorder.skip(name, skipReason);
        test.skip(name, fn);
      } else test(name, fn, timeoutMs);
    },
    threshold<T>(key: string, fallback: T): T {
      const v = (thresholds as Record<string, unknown> | undefined)?.[key];
      return v === undefined ? fallback : (v as T);
    },
  };
  return h;
}
