import { describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSummaryFile } from './summary-file.js';
import { profileFileNames, writeReport } from './write-report.js';
import { roundrobinSummary, sourceSummary } from '../../test/helpers/report-fixtures.js';

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'report-write-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('writeReport', () => {
  test('one profile: its page is index.html, summary.json is the Summary (redacted), plus junit.xml', () =>
    withTempDir(async (dir) => {
      const result = await writeReport(dir, [sourceSummary()]);
      expect(result.index).toBe(join(dir, 'index.html'));
      expect((await readdir(dir)).sort()).toEqual(['index.html', 'junit.xml', 'summary.json']);
      const index = await readFile(result.index, 'utf8');
      expect(index).toContain('MQTT load-balancer test report — haproxy-source');
      const json = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      expect(json.schema).toBe(1);
      expect(json.run.profileName).toBe('haproxy-source');
      expect(json.deployment.balancer.config).not.toContain('Sup3rS3cret!');
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite name="haproxy-source.fairness"');
    }));

  test('several profiles: matrix index, profiles/<name>.html linked from it, summary.json bundle', () =>
    withTempDir(async (dir) => {
      const baseline = [roundrobinSummary(), sourceSummary()];
      baseline[1]!.suites.fairness!.tests[0]!.status = 'passed';
      const result = await writeReport(dir, [roundrobinSummary(), sourceSummary()], { baseline });
      expect((await readdir(join(dir, 'profiles'))).sort()).toEqual(['haproxy-roundrobin.html', 'haproxy-source.html']);
      expect(result.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
        'index.html',
        'junit.xml',
        'profiles/haproxy-roundrobin.html',
        'profiles/haproxy-source.html',
        'summary.json',
      ]);
      const index = await readFile(result.index, 'utf8');
      expect(index).toContain('href="profiles/haproxy-source.html"');
      expect(index).toContain('<span class="badge regression">regressed</span>');
      const page = await readFile(join(dir, 'profiles/haproxy-source.html'), 'utf8');
      expect(page).toContain('href="../index.html"');
      expect(page).toContain('Compared with baseline');
      const runs = parseSummaryFile(await readFile(join(dir, 'summary.json'), 'utf8'));
      expect(runs.map((r) => r.run.profileName)).toEqual(['haproxy-roundrobin', 'haproxy-source']);
    }));

  test('refuses an empty run', async () => {
    await expect(writeReport('/nonexistent-should-not-be-created', [])).rejects.toThrow(/no summaries/);
  });
});

describe('summary files', () => {
  test('parseSummaryFile reads both shapes and rejects other schemas', () => {
    const one = sourceSummary();
    expect(parseSummaryFile(JSON.stringify(one))).toHaveLength(1);
    expect(parseSummaryFile(JSON.stringify({ schema: 1, runs: [one, one] }))).toHaveLength(2);
    expect(() => parseSummaryFile(JSON.stringify({ ...one, schema: 2 }))).toThrow(/unsupported schema 2/);
    expect(() => parseSummaryFile('{"schema":1}')).toThrow(/neither/);
  });

  test('profile page names are file-safe and unique', () => {
    const a = roundrobinSummary();
    const b = roundrobinSummary();
    a.run.profileName = '../etc/Pass wd';
    b.run.profileName = '../etc/pass:wd';
    expect(Object.values(profileFileNames([a, b]))).toEqual(['etc-Pass-wd.html', 'etc-pass-wd-2.html']);
  });
});
