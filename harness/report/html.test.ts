import { describe, expect, test } from '@jest/globals';
import { compareToBaseline } from './baseline.js';
import { renderIndex } from './html/index-page.js';
import { renderProfilePage } from './html/profile-page.js';
import {
  HAPROXY_SOURCE_CONFIG,
  roundrobinSummary,
  SKIP_REASON,
  SOURCE_FINDING,
  sourceSummary,
} from '../../test/helpers/report-fixtures.js';

const PAGES = {
  'haproxy-roundrobin': 'profiles/haproxy-roundrobin.html',
  'haproxy-source': 'profiles/haproxy-source.html',
};

/** Tags (with their attributes and inline styles) that load anything from elsewhere; visible text may name URLs. */
function externalReferences(html: string): string[] {
  const withoutStyleAndNamespaces = html.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
  const tags = withoutStyleAndNamespaces.match(/<[^>]*>/g) ?? [];
  const bad = tags.filter((tag) => /https?:|\/\/|url\((?!#)|<script|<link|<iframe|<img|<object|<embed/i.test(tag));
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('');
  if (/@import|url\(|https?:/.test(css)) bad.push('external reference in <style>');
  return bad;
}

/** The text content of the element with this id (tags stripped, entities left as is). */
function elementText(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  const row = html.slice(start, html.indexOf('</tr>', start));
  return row.replace(/<[^>]*>/g, ' ');
}

describe('renderIndex', () => {
  const html = renderIndex([roundrobinSummary(), sourceSummary()], { profilePages: PAGES });

  test('a matrix row per profile, a cell per suite with counts in text (not colour alone)', () => {
    const rows = html.match(/<tr><td><a href="profiles\/[^"]+"><b>[^<]+<\/b><\/a>/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(html).toContain('<td class="cell failed"><a href="profiles/haproxy-source.html#suite-fairness');
    expect(html).toMatch(/✗ FAIL<small>0 passed · 1 failed · 0 skipped<\/small>/);
    expect(html).toMatch(/✓ PASS<small>2 passed · 0 failed · 1 skipped<\/small>/);
    expect((html.match(/class="cell passed"/g) ?? []).length).toBe(7);
    expect((html.match(/class="cell failed"/g) ?? []).length).toBe(1);
  });

  test('overall verdict and totals in the header', () => {
    expect(html).toContain('<span class="verdict failed">✗ FAILED</span>');
    expect(html).toMatch(
      /<b>11<\/b><span>passed<\/span>.*<b>1<\/b><span>failed<\/span>.*<b>2<\/b><span>skipped<\/span>/s,
    );
  });

  test('top findings: errors first, with remedy and links to the profile page', () => {
    const error = html.indexOf(SOURCE_FINDING.title);
    const warning = html.indexOf('node2 was marked DOWN 6.0 s after the kill');
    expect(error).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(error);
    expect(html).toContain('Use <code>balance leastconn</code> (long-lived MQTT connections)');
    expect(html).toMatch(/<a href="profiles\/haproxy-source.html#test-fairness-[^"]+">connections spread evenly<\/a>/);
    expect(html).toContain('href="profiles/haproxy-source.html#config-L23"');
  });

  test('self-contained', () => {
    expect(externalReferences(html)).toEqual([]);
  });
});

describe('renderProfilePage', () => {
  test('deployment, capabilities, mapping table and the config with mapped and flagged lines', async () => {
    const html = await renderProfilePage(sourceSummary());
    for (const text of [
      'standin 0.1.0 × 3 nodes',
      'haproxy 2.8.5',
      '4.21 s',
      '127.0.1.2:18083',
      'mqtts://127.0.1.10:8883',
      'sharedSubscriptions',
      'unlike EMQX CE',
    ]) {
      expect(html).toContain(text);
    }
    // mapping: original address, its line, the node and the mapped address; the line really holds that address
    expect(html).toMatch(
      /<code>10\.20\.0\.12:1883<\/code><\/td><td class="num"><a href="#config-L26">26<\/a><\/td><td>→ node2<\/td><td><code>127\.0\.1\.2:1883<\/code>/,
    );
    expect(HAPROXY_SOURCE_CONFIG.split('\n')[25]).toContain('10.20.0.12:1883');
    expect(elementText(html, 'config-L26')).toMatch(/server emqx2 10\.20\.0\.12:1883.*→ node2/);
    expect(html).toContain('<tr id="config-L23" class="flagged">');
    expect(elementText(html, 'config-L23')).toContain('balance source');
  });

  test('secrets in the config are redacted', async () => {
    const html = await renderProfilePage(sourceSummary());
    expect(HAPROXY_SOURCE_CONFIG).toContain('Sup3rS3cret!');
    expect(html).not.toContain('Sup3rS3cret');
    expect(html).toContain('stats auth admin:«redacted»');
  });

  test('every test with status and duration, failure text, finding with remedy and location, skip reason', async () => {
    const html = await renderProfilePage(sourceSummary());
    expect(html).toContain(`Skipped: ${SKIP_REASON}`);
    expect(html).toContain('<span class="badge failed">✗ failed</span><span class="name">connections spread evenly');
    expect(html).toContain('Received:   0.3333');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('<b>Remedy:</b> Use <code>balance leastconn</code>');
    expect(html).toContain('<a href="#config-L23"><code>haproxy.cfg:23</code></a>');
    expect(html).toContain('12.4 s');
  });

  test('an <svg> per chart with data, none loading anything external', async () => {
    const html = await renderProfilePage(sourceSummary());
    // failover time series + timeline + reconnect histogram, fairness bars, TLS histogram, pub/sub histogram,
    // pub/sub connection phases
    expect((html.match(/<svg /g) ?? []).length).toBe(7);
    expect(html).toContain('http://127.0.1.10:8404/stats'); // visible text may name a URL …
    expect(externalReferences(html)).toEqual([]); // … but nothing is loaded from anywhere
  });

  test('metrics without data render no chart', async () => {
    const summary = roundrobinSummary();
    summary.metrics = { custom: { answer: 42 } };
    const html = await renderProfilePage(summary);
    expect(html).not.toContain('<svg');
    expect(html).toContain('metrics.custom');
  });

  test('a run whose deployment failed: suite errors shown, no deployment, verdict failed', async () => {
    const summary = roundrobinSummary();
    delete summary.deployment;
    summary.metrics = {};
    summary.totals = { passed: 0, failed: 0, skipped: 0 };
    summary.suites = {
      pubsub: {
        passed: 0,
        failed: 0,
        skipped: 0,
        durationMs: 0,
        error: 'haproxy exited: <bind> failed & port in use',
        tests: [],
      },
    };
    const html = await renderProfilePage(summary);
    expect(html).toContain('<span class="verdict failed">');
    expect(html).toContain('The suite could not run:</b> haproxy exited: &lt;bind&gt; failed &amp; port in use');
    expect(html).toContain('No deployment was recorded');
    expect(html).toContain('No metrics were recorded');
  });

  test('baseline section and per-test badges', async () => {
    const baseline = sourceSummary();
    baseline.suites.fairness!.tests[0]!.status = 'passed';
    const current = sourceSummary();
    const html = await renderProfilePage(current, {
      baseline: compareToBaseline(current, baseline),
      indexHref: '../index.html',
    });
    expect(html).toContain('Compared with baseline');
    expect(html).toContain('<span class="badge regression">1 regression</span>');
    expect(html).toContain('regressed · was passed');
    expect(html).toContain('href="../index.html"');
  });
});
