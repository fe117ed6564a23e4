/**
 * A scenario as data: its name, its test title, when it does not apply, and a run that returns plain
 * data (an Outcome) — no Jest, no recorder — so a fake run can drive it in a unit test.
 */
import type { BalancerFacts } from '../facts.js';
import type { Profile } from '../profile/schema.js';
import type { Finding } from '../finding.js';
import type { Need } from '../needs.js';

/** What a scenario hands back: its figures, the findings that explain them, and why it fails (empty: it passes). */
export interface Outcome<M> {
  metrics: M;
  findings: Finding[];
  problems: string[];
}

/** What is known to decide whether a scenario applies: the profile, and the balancer's facts when known. */
export interface ScenarioFacts {
  profile: Profile;
  /** Before the deployment starts: the facts read statically from the config (undefined when not readable). */
  balancer: BalancerFacts | undefined;
}

export interface ScenarioDef<C, M> {
  /** Key of the scenario's metrics (`metrics.<suite>.scenarios.<name>`). */
  name: string;
  /** The test name, exactly: reports and baselines match on it. */
  title: string;
  timeoutMs?: number;
  /**
   * What the deployment must offer (fault verbs, the balancer's facts and view, a reload…); unmet → skipped with the
   * reason. A function decides from the balancer's static facts (undefined when unknown), e.g. no per-server view
   * needed under passive checks.
   */
  needs?: readonly Need[] | ((balancer: BalancerFacts | undefined) => readonly Need[]);
  /**
   * Why the scenario does not apply, or false. Asked before the deployment starts (a reason skips the test and is
   * recorded) and again on the running deployment's facts (a reason passes the test with an info finding).
   */
  skip?(facts: ScenarioFacts): string | false;
  run(ctx: C): Promise<Outcome<M>>;
}

/** What a begun scenario must undo whatever happens. */
export interface Finishable {
  finish(): Promise<void>;
  /** What the scenario has seen so far (its last events), quoted when it overruns its budget. */
  progress?(): string;
}

/** The needs of a scenario for the balancer's static facts. */
export function needsOf<C, M>(def: ScenarioDef<C, M>, balancer: BalancerFacts | undefined): readonly Need[] {
  return typeof def.needs === 'function' ? def.needs(balancer) : (def.needs ?? []);
}

/** A `skip` that asks the balancer's facts only, and never skips while they are unknown. */
export function byBalancer(reason: (facts: BalancerFacts) => string | false): (facts: ScenarioFacts) => string | false {
  return (facts) => (facts.balancer ? reason(facts.balancer) : false);
}

/** An Outcome whose problems are the titles of its error findings (the fairness suite's rule). */
export function judgedByFindings<M>(metrics: M, findings: Finding[]): Outcome<M> {
  return { metrics, findings, problems: findings.filter((f) => f.severity === 'error').map((f) => f.title) };
}

/** Collects findings and problems in the order a scenario judges them; `outcome` closes it with the metrics. */
export class Judgement {
  readonly findings: Finding[] = [];
  readonly problems: string[] = [];

  /** A finding that informs; it fails the scenario only through an explicit `problem`. */
  note(f: Finding | undefined): this {
    if (f) this.findings.push(f);
    return this;
  }

  /** A verdict: its findings, and its problems that fail the scenario. */
  verdict(v: { findings: Finding[]; problems: string[] }): this {
    this.findings.push(...v.findings);
    this.problems.push(...v.problems);
    return this;
  }

  problem(p: string | false | undefined): this {
    if (p) this.problems.push(p);
    return this;
  }

  outcome<M>(metrics: M): Outcome<M> {
    return { metrics, findings: this.findings, problems: this.problems };
  }
}
