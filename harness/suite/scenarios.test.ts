/**
 * The scenario skeleton (begin → run → finish → record → problems) with small fake scenarios, the
 * Judgement's order of findings and problems, and the fairness scenarios' applicability on real fixture configs.
 */
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Finding } from '../report/summary-types.js';
import { loadProfile } from '../profile/load.js';
import { staticBalancerFacts } from '../balancer/static-facts.js';
import { projectRoot } from '../util/project-root.js';
import { Judgement, judgedByFindings, needsOf, type ScenarioDef, type ScenarioFacts } from './scenario-def.js';
import {
  FINISH_BOUND_MS,
  FINISH_MARGIN_MS,
  NOT_APPLICABLE,
  runScenario,
  scenarioBounds,
  type ScenarioSink,
} from './scenarios.js';
import { weights } from '../fairness/scenarios/weights.js';
import { sourceAffinity } from '../fairness/scenarios/affinity.js';
import { clientIdStickiness } from '../fairness/scenarios/stickiness.js';
import { rebalance } from '../fairness/scenarios/rebalance.js';
import { allAbilities, unmet } from '../needs.js';
import { waitFor } from '../util/wait.js';

/** A run that logs what happened to it, in order. */
class FakeRun {
  readonly log: string[] = [];
  async finish(): Promise<void> {
    this.log.push('finish');
    return Promise.resolve();
  }
}

/** A sink that keeps what the skeleton reports, as the suite recorder would. */
class Sink implements ScenarioSink<number> {
  readonly findings: Finding[] = [];
  readonly metrics: Record<string, unknown> = {};
  finding(f: Finding): void {
    this.findings.push(f);
  }
  metric(key: 'scenarios', value: Record<string, number>): void {
    this.metrics[key] = structuredClone(value);
  }
}

const profileOf = (name: string) => loadProfile(path.join(projectRoot(), 'fixtures/profiles', name));
const noFacts = { profile: profileOf('haproxy-roundrobin.yaml'), balancer: undefined };

function scenario(
  name: string,
  run: (r: FakeRun) => Promise<{ metrics: number; findings: Finding[]; problems: string[] }>,
  skip?: (f: ScenarioFacts) => string | false,
): ScenarioDef<FakeRun, number> {
  return { name, title: `${name}: a fake`, skip, run };
}

describe('runScenario', () => {
  test('begins, runs, finishes, then records the metrics under the name and attaches the findings in order', async () => {
    const sink = new Sink();
    const fake = new FakeRun();
    const metrics: Record<string, number> = { earlier: 1 };
    const def = scenario('one', async (r) => {
      r.log.push('run');
      return new Judgement()
        .note({ severity: 'info', title: 'first' })
        .verdict({ findings: [{ severity: 'error', title: 'second' }], problems: ['too slow'] })
        .note(undefined)
        .problem(false)
        .problem('dropped 2')
        .outcome(42);
    });
    const begin = (d: ScenarioDef<FakeRun, number>): Promise<FakeRun> => {
      fake.log.push(`begin ${d.name}`);
      return Promise.resolve(fake);
    };
    const problems = await runScenario(sink, def, noFacts, begin, metrics);
    expect(fake.log).toEqual(['begin one', 'run', 'finish']);
    expect(problems).toEqual(['too slow', 'dropped 2']);
    expect(sink.metrics).toEqual({ scenarios: { earlier: 1, one: 42 } });
    expect(sink.findings.map((f) => f.title)).toEqual(['first', 'second']);
  });

  test('finishes a run that throws, and records nothing of it', async () => {
    const sink = new Sink();
    const fake = new FakeRun();
    const def = scenario('boom', () => Promise.reject(new Error('the node never came back')));
    await expect(runScenario(sink, def, noFacts, () => Promise.resolve(fake), {})).rejects.toThrow('never came back');
    expect(fake.log).toEqual(['finish']);
    expect(sink.metrics).toEqual({});
    expect(sink.findings).toEqual([]);
  });

  test('a run that never settles fails within its budget, naming the stage and what it saw, and is finished', async () => {
    const sink = new Sink();
    const fake = new FakeRun();
    const seen = Object.assign(fake, { progress: () => '2 events' });
    const def = scenario('stuck', () => new Promise(() => undefined));
    const started = Date.now();
    await expect(runScenario(sink, def, noFacts, () => Promise.resolve(seen), {}, 50)).rejects.toThrow(
      /^scenario stuck did not finish within its 0 s budget: stuck in run for \d\.\d s, after: starting .*; seen so far: 2 events$/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.log).toEqual(['finish']);
    expect(sink.metrics).toEqual({});
  });

  test("a wait inside the scenario that times out is the scenario's own error, not an overrun", async () => {
    const fake = new FakeRun();
    const def = scenario('own-timeout', async () => {
      await waitFor(() => false, { timeoutMs: 20, intervalMs: 5, what: 'routes from 2 publishers to 2 subscribers' });
      return judgedByFindings(0, []);
    });
    await expect(runScenario(new Sink(), def, noFacts, () => Promise.resolve(fake), {}, 5000)).rejects.toThrow(
      /^timed out after 20 ms waiting for routes from 2 publishers to 2 subscribers/,
    );
    expect(fake.log).toEqual(['finish']);
  });

  test('a begin that overruns the budget fails with its own stage, and is finished when it completes', async () => {
    const fake = new FakeRun();
    let complete: (r: FakeRun) => void = () => undefined;
    const def = scenario('slow-begin', () => Promise.resolve(judgedByFindings(0, [])));
    const begin = (_d: ScenarioDef<FakeRun, number>, stage: { set(what: string): void }): Promise<FakeRun> => {
      stage.set('connecting the fleet (30 clients)');
      return new Promise((resolve) => (complete = resolve));
    };
    await expect(runScenario(new Sink(), def, noFacts, begin, {}, 50)).rejects.toThrow(
      /stuck in connecting the fleet \(30 clients\) for \d\.\d s/,
    );
    expect(fake.log).toEqual([]);
    complete(fake);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(fake.log).toEqual(['finish']);
  });

  test('a scenario that does not apply to the running config passes with an info finding, without beginning', async () => {
    const sink = new Sink();
    let begun = false;
    const def = scenario(
      'na',
      () => Promise.resolve(judgedByFindings(0, [])),
      () => 'no weights here',
    );
    const begin = (): Promise<FakeRun> => {
      begun = true;
      return Promise.resolve(new FakeRun());
    };
    expect(await runScenario(sink, def, noFacts, begin, {})).toEqual([]);
    expect(begun).toBe(false);
    expect(sink.findings).toEqual([{ severity: 'info', title: `${NOT_APPLICABLE}no weights here` }]);
  });
});

test("a backend's boot time (capabilities.bootMs) widens finish, begin and the test timeout, keeping the margins", () => {
  expect(scenarioBounds(90_000)).toEqual({
    testMs: 90_000,
    budgetMs: 90_000 - FINISH_MARGIN_MS,
    finishMs: FINISH_BOUND_MS,
  });
  const slow = scenarioBounds(90_000, 60_000);
  expect(slow).toEqual({ testMs: 210_000, budgetMs: 210_000 - FINISH_MARGIN_MS - 60_000, finishMs: 75_000 });
  // begin + run, then finish, still end before Jest's timeout
  expect(slow.budgetMs + slow.finishMs).toBeLessThan(slow.testMs);
});

test('judgedByFindings fails on the error findings only, by title', () => {
  const findings: Finding[] = [
    { severity: 'info', title: 'spread 100:100:100' },
    { severity: 'error', title: 'node3 got nothing' },
    { severity: 'warning', title: 'counters disagree' },
  ];
  expect(judgedByFindings({ jain: 0.5 }, findings)).toEqual({
    metrics: { jain: 0.5 },
    findings,
    problems: ['node3 got nothing'],
  });
});

describe('fairness scenarios: when they apply (fixture configs, read statically)', () => {
  const factsOf = async (name: string): Promise<ScenarioFacts> => {
    const profile = profileOf(name);
    return { profile, balancer: await staticBalancerFacts(profile) };
  };

  test('unknown balancer facts never skip', () => {
    for (const def of [weights, sourceAffinity, clientIdStickiness]) expect(def.skip?.(noFacts)).toBe(false);
  });

  test('round robin with equal weights: weights, source affinity and stickiness do not apply', async () => {
    const facts = await factsOf('haproxy-roundrobin.yaml');
    expect(weights.skip?.(facts)).toMatch(
      /^every server of backend \S+ has weight \d+: there are no weights to verify/,
    );
    expect(sourceAffinity.skip?.(facts)).toMatch(/^`balance roundrobin`.* does not hash the client's source address$/);
    expect(clientIdStickiness.skip?.(facts)).toMatch(/has no stickiness on the MQTT client id/);
    expect(rebalance.skip).toBeUndefined();
  });

  test('each applies to the config made for it', async () => {
    expect(weights.skip?.(await factsOf('haproxy-weighted.yaml'))).toBe(false);
    expect(sourceAffinity.skip?.(await factsOf('haproxy-source.yaml'))).toBe(false);
    expect(clientIdStickiness.skip?.(await factsOf('haproxy-clientid-sticky.yaml'))).toBe(false);
  });

  test('rebalance needs at least 2 nodes, and kill/restart with the balancer view (declared needs)', () => {
    const abilities = (nodes: number) => allAbilities(nodes);
    expect(unmet(needsOf(rebalance, undefined), abilities(1))).toBe('needs at least 2 nodes (the deployment has 1)');
    expect(unmet(needsOf(rebalance, undefined), abilities(3))).toBe(false);
  });
});
