import { describe, expect, test } from '@jest/globals';
import { renderIndex } from './html/index-page.js';
import { renderProfilePage } from './html/profile-page.js';
import { configPanel } from './html/config-panel.js';
import type { Finding, Summary } from './summary-types.js';
import { sourceSummary } from '../../test/helpers/report-fixtures.js';

/** The row of config line `n` (its whole `<tr>`). */
function row(html: string, n: number): string {
  const start = html.indexOf(`<tr id="config-L${n}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</tr>', start));
}

const HOLDS: Finding = {
  severity: 'info',
  title: 'Effective idle timeout 60 s ≥ 1.5 × keepalive 10 s = 15 s',
  file: 'haproxy.cfg',
  line: 8,
};

/** The failing source summary plus a passing keepalive test whose check holds, on line 8 (`timeout client 60s`). */
function withHoldingCheck(): Summary {
  const s = sourceSummary();
  s.suites.keepalive = {
    passed: 1,
    failed: 0,
    skipped: 0,
    durationMs: 10,
    tests: [
      {
        name: 'idle timeout fits the keepalive',
        path: ['keepalive'],
        status: 'passed',
        durationMs: 10,
        findings: [HOLDS],
      },
    ],
  };
  return s;
}

describe('config panel', () => {
  test('a check that holds is a green ✓ note, not a red warning', () => {
    const s = withHoldingCheck();
    const html = configPanel(s, s.deployment!);
    const r = row(html, 8);
    expect(r).toContain('class="holds"');
    expect(r).toContain('<span class="note-holds"><b>✓</b> Effective idle timeout 60 s');
    expect(r).not.toMatch(/flagged|⚠/);
  });

  test('the finding of a failed test makes its line red; a warning makes its line amber', () => {
    const s = sourceSummary();
    const html = configPanel(s, s.deployment!);
    expect(row(html, 23)).toContain('<tr id="config-L23" class="flagged">');
    expect(row(html, 23)).toContain('<span class="note-fail"><b>✗</b> All 300 clients landed on node1');
    // line 26: the failover warning and the address mapping, warning first
    expect(row(html, 26)).toContain('class="warned"');
    expect(row(html, 26)).toMatch(/note-warn.*→ node2/);
  });

  test('text first, annotations after it in the same cell (they flow beside or under, never over it)', () => {
    const s = sourceSummary();
    const r = row(configPanel(s, s.deployment!), 23);
    expect(r).toMatch(
      /<td class="ln">23<\/td><td class="src"><div class="line"><span class="text"> {4}balance source<\/span><span class="ann">/,
    );
  });
});

describe('findings box order', () => {
  test('profile page: error, then warning, then the info notes folded, each linking to its test', async () => {
    const html = await renderProfilePage(withHoldingCheck());
    const box = html.slice(html.indexOf('id="findings"'), html.indexOf('</section>', html.indexOf('id="findings"')));
    const error = box.indexOf('All 300 clients landed on node1');
    const warning = box.indexOf('node2 was marked DOWN');
    const info = box.indexOf('Effective idle timeout');
    expect(error).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(error);
    expect(info).toBeGreaterThan(warning);
    expect(box.slice(0, info)).toContain('<details class="info-findings">');
    expect(box).toMatch(/fairness › <a href="#test-fairness-[^"]+">connections spread evenly<\/a> \(failed\)/);
    // the finding quotes the config line it points at, as run
    expect(box).toContain(
      '<a href="#config-L23"><code>haproxy.cfg:23</code></a> <code class="quoted">balance source</code>',
    );
  });

  test('matrix top findings: error before warning before info', () => {
    const html = renderIndex([withHoldingCheck()], { profilePages: { 'haproxy-source': 'p.html' } });
    const error = html.indexOf('All 300 clients landed on node1');
    const warning = html.indexOf('node2 was marked DOWN');
    const info = html.indexOf('Effective idle timeout');
    expect(error).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(error);
    expect(info).toBeGreaterThan(warning);
  });
});
