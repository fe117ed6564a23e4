import { describe, expect, test } from '@jest/globals';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from './junit.js';
import type { Summary } from './summary-types.js';
import { roundrobinSummary, SKIP_REASON, SOURCE_FINDING, sourceSummary } from '../../test/helpers/report-fixtures.js';

type Node = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parse(xml: string): { root: Node; suites: Node[] } {
  const valid = XMLValidator.validate(xml);
  expect(valid).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    trimValues: false,
  }).parse(xml) as Node;
  const root = doc.testsuites as Node;
  return { root, suites: asArray(root.testsuite as Node | Node[]) };
}

describe('renderJunit', () => {
  const xml = renderJunit([roundrobinSummary(), sourceSummary()]);
  const { root, suites } = parse(xml);

  test('one testsuite per profile × suite with matching totals', () => {
    expect(suites.map((s) => s['@name'])).toEqual([
      'haproxy-roundrobin.pubsub',
      'haproxy-roundrobin.tls',
      'haproxy-roundrobin.failover',
      'haproxy-roundrobin.fairness',
      'haproxy-source.pubsub',
      'haproxy-source.tls',
      'haproxy-source.failover',
      'haproxy-source.fairness',
    ]);
    expect(root['@tests']).toBe('14');
    expect(root['@failures']).toBe('1');
    expect(root['@skipped']).toBe('2');
    expect(root['@errors']).toBe('0');
    const fairness = suites.find((s) => s['@name'] === 'haproxy-source.fairness')!;
    expect(fairness['@failures']).toBe('1');
    expect(fairness['@tests']).toBe('1');
  });

  test('testcases carry classname profile.suite and the skip reason', () => {
    const pubsub = suites.find((s) => s['@name'] === 'haproxy-roundrobin.pubsub')!;
    const cases = asArray(pubsub.testcase as Node[]);
    expect(cases).toHaveLength(3);
    expect(cases.every((c) => c['@classname'] === 'haproxy-roundrobin.pubsub')).toBe(true);
    const skipped = cases.find((c) => c.skipped !== undefined)!;
    expect(skipped['@name']).toBe('pubsub › shared subscription spreads load');
    expect((skipped.skipped as Node)['@message']).toBe(SKIP_REASON);
  });

  test('a failure carries the assertion text without colour codes and the findings', () => {
    const fairness = suites.find((s) => s['@name'] === 'haproxy-source.fairness')!;
    const failure = (fairness.testcase as Node).failure as Node;
    const text = String(failure['#text']);
    expect(failure['@message']).toBe('expect(received).toBeGreaterThan(expected)');
    expect(text).toContain('Received:   0.3333');
    expect(text).not.toContain('\u001b');
    expect(text).toContain(SOURCE_FINDING.title);
    expect(text).toContain(SOURCE_FINDING.detail);
    expect(text).toContain('haproxy.cfg:23');
    expect(text).toContain(SOURCE_FINDING.remedy);
  });

  test('findings of a passed test go to system-out', () => {
    const failover = suites.find((s) => s['@name'] === 'haproxy-source.failover')!;
    expect(String((failover.testcase as Node)['system-out'])).toContain('[WARNING] node2 was marked DOWN');
  });

  test('escapes markup and control characters in names and messages', () => {
    const s: Summary = roundrobinSummary();
    const t = s.suites.pubsub!.tests[0]!;
    t.name = 'topic <a/b> & "quotes" \'single\'';
    t.status = 'failed';
    t.failureMessages = ['expected <b> & got \u0007bell ]]> end'];
    const { suites: parsed } = parse(renderJunit([s]));
    const tc = asArray(parsed[0]!.testcase as Node[])[0]!;
    expect(tc['@name']).toBe('pubsub › topic <a/b> & "quotes" \'single\''); // round-trips through a strict parser
    expect(String((tc.failure as Node)['#text'])).toContain('expected <b> & got \uFFFDbell ]]> end');
    const raw = renderJunit([s]);
    expect(raw).toContain('topic &lt;a/b&gt; &amp; &quot;quotes&quot;');
    expect(raw).not.toContain('\u0007');
    expect(raw).toContain('expected &lt;b&gt; &amp; got');
  });

  test('a suite that could not run is an error, not a green suite', () => {
    const s = roundrobinSummary();
    s.suites.tls = {
      passed: 0,
      failed: 0,
      skipped: 0,
      durationMs: 0,
      error: 'deployment failed: haproxy exited with code 1',
      tests: [],
    };
    const { root: r, suites: parsed } = parse(renderJunit([s]));
    expect(r['@errors']).toBe('1');
    const tls = parsed.find((x) => x['@name'] === 'haproxy-roundrobin.tls')!;
    expect(((tls.testcase as Node).error as Node)['@message']).toBe('deployment failed: haproxy exited with code 1');
  });

  test("a suite's scalar metrics are properties of its testsuite; nested ones stay in summary.json", () => {
    const s = roundrobinSummary();
    s.suites['my-flows'] = { passed: 1, failed: 0, skipped: 0, durationMs: 5, tests: [] };
    s.metrics['my-flows'] = { reading_delivery_ms: 12, site: 'lab', connect_phases: { clients: 3 } };
    const flows = parse(renderJunit([s])).suites.find((x) => x['@name'] === 'haproxy-roundrobin.my-flows')!;
    const props = asArray((flows.properties as Node).property as Node | Node[]);
    const byName = Object.fromEntries(props.map((p) => [p['@name'], p['@value']]));
    expect(byName).toMatchObject({ 'metric.reading_delivery_ms': '12', 'metric.site': 'lab' });
    expect(Object.keys(byName).filter((k) => k.startsWith('metric.'))).toHaveLength(2);
  });
});
