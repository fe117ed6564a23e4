/**
 * The report in a real browser: Debian's headless Chromium (driven by playwright-core, which downloads nothing)
 * opens a two-profile report from disk, and the matrix, a chart and a finding must be on screen; then a failing
 * profile's report, where the config must be readable (hit-tested, not only present), the failed test's cause must
 * be in the Findings box and the failover time series must shade the fault. Screenshots are kept under
 * reports/test-report-browser/ (git-ignored; the failing report's under failing/screenshots/). Skipped, with the
 * reason, when chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeReport } from '../../harness/report/index.js';
import { roundrobinSummary, sourceSummary } from '../helpers/report-fixtures.js';
import { failingSummary, LONG_LINE } from '../helpers/failing-report-fixture.js';
import { checkConfigReadable, contrastOf, type BrowserWindow } from './report-browser-checks.js';
import { ROOT } from './cli-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const OUT = path.join(ROOT, 'reports', 'test-report-browser');
/** A single failing profile's report, and its screenshots (CI artifacts). */
const FAILING = path.join(OUT, 'failing');
const SHOTS = path.join(FAILING, 'screenshots');
const missing = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not found — install it with: apt-get install -y chromium (optional; npm run setup does it as root)`;
if (missing) process.stderr.write(`[report-browser] SKIPPED: ${missing}\n`);
const browserTest = missing ? test.skip : test;

let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (missing) return;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await writeReport(path.join(OUT, 'report'), [roundrobinSummary(), sourceSummary()]);
  await writeReport(FAILING, [failingSummary()]);
  mkdirSync(SHOTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => void requests.push(r.url()));
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

describe(
  missing ? `report in a real browser (SKIPPED: ${missing})` : 'report in a real browser (Debian chromium)',
  () => {
    browserTest(
      'the index shows the profile × suite matrix and the top findings',
      async () => {
        await page.goto(pathToFileURL(path.join(OUT, 'report', 'index.html')).href);
        const rows = page.locator('table.matrix tbody tr');
        expect(await rows.count()).toBe(2);
        await expect(rows.nth(0).locator('td.cell').first().isVisible()).resolves.toBe(true);
        expect(await page.locator('table.matrix td.cell.failed').count()).toBeGreaterThanOrEqual(1);
        expect(await page.locator('table.matrix td.cell.passed').count()).toBeGreaterThanOrEqual(1);
        const finding = page.locator('#findings .finding.error').first();
        expect(await finding.isVisible()).toBe(true);
        expect(await finding.innerText()).toMatch(/Remedy:/);
        await page.screenshot({ path: path.join(OUT, 'index.png'), fullPage: true });
      },
      60_000,
    );

    browserTest(
      'a profile page draws its charts and shows the finding at the flagged config line',
      async () => {
        await page.locator('table.matrix a', { hasText: sourceSummary().run.profileName }).first().click();
        await page.waitForLoadState('load');
        expect(page.url()).toMatch(/profiles\/.+\.html$/);
        const charts = page.locator('.chart svg');
        expect(await charts.count()).toBeGreaterThanOrEqual(1);
        const box = await charts.first().boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(100);
        expect(await charts.first().locator('path, rect').count()).toBeGreaterThan(5);
        expect(await page.locator('#findings .finding.error').first().isVisible()).toBe(true);
        expect(await page.locator('.config tr.flagged').count()).toBeGreaterThanOrEqual(1);
        await charts.first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(OUT, 'profile-chart.png') });
        await page.screenshot({ path: path.join(OUT, 'profile.png'), fullPage: true });
      },
      60_000,
    );

    browserTest(
      "a profile page shows each suite's connection phases: a table and a histogram",
      async () => {
        const block = page.locator('#connect-phases-pubsub');
        await block.scrollIntoViewIfNeeded();
        expect(await block.isVisible()).toBe(true);
        const table = page.locator('#connect-phases-pubsub + p + table');
        expect(await table.locator('tbody tr').allInnerTexts()).toEqual([
          expect.stringMatching(/^TCP connect\t.*\t24\t[\d.]+ ms\t[\d.]+ ms\t[\d.]+ ms$/),
          expect.stringMatching(/^CONNACK\t/),
          expect.stringMatching(/^SUBACK\t.*\t9\t/),
        ]);
        const chart = page.locator('#connect-phases-pubsub ~ .chart svg').first();
        const box = (await chart.boundingBox())!;
        expect(box.width).toBeGreaterThan(300);
        expect(await chart.locator('path[aria-roledescription="bar"]').count()).toBeGreaterThanOrEqual(6);
        await chart.screenshot({ path: path.join(OUT, 'connect-phases.png') });
      },
      60_000,
    );

    for (const width of [1280, 1400]) {
      browserTest(
        `a failing profile at ${width} px: config line 1, a red line and the longest line are readable inside the panel`,
        async () => {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(pathToFileURL(path.join(FAILING, 'index.html')).href);
          for (const line of [1, 24, 20]) {
            const r = await checkConfigReadable(page, line);
            expect({ line, ...r.problems }).toEqual({ line });
            expect(r.contrast).toBeGreaterThanOrEqual(4.5);
          }
          const row20 = await page.locator('#config-L20 .text').innerText();
          expect(row20).toBe(LONG_LINE);
          await page.locator('#config-L1').scrollIntoViewIfNeeded();
          await page.screenshot({ path: path.join(SHOTS, `config-${width}.png`) });
        },
        60_000,
      );
    }

    browserTest(
      "a failing profile's first screen: the verdict, the failed test's cause in Findings and the config line it points at",
      async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(pathToFileURL(path.join(FAILING, 'index.html')).href);
        expect(await page.locator('header .verdict.failed').isVisible()).toBe(true);
        const cause = page.locator('#findings .finding.error', { hasText: 'expect(received).toBeDefined()' });
        expect(await cause.count()).toBe(1);
        expect(await cause.innerText()).toContain('Received: undefined');
        expect(await cause.innerText()).not.toContain('\u001b');
        const link = cause.locator('.context a');
        expect(await link.innerText()).toBe('dashboard frontend: GET /status through the balancer answers like EMQX');
        const target = (await link.getAttribute('href'))!.slice(1);
        expect(await page.locator(`[id="${target}"]`).count()).toBe(1);
        const first = page.locator('#findings .finding').first();
        expect(await first.getAttribute('class')).toBe('finding error');
        const configError = page.locator('#findings .finding.error', { hasText: 'All 300 clients landed on node1' });
        const box = await configError.boundingBox();
        expect(box!.y + box!.height).toBeLessThan(900); // on the first screen, with its config link
        expect(await configError.locator('.where a').innerText()).toBe('haproxy.cfg:24');
        expect(await configError.locator('.where code.quoted').innerText()).toBe('balance source');
        await page.screenshot({ path: path.join(SHOTS, 'first-screen.png') });
        await configError.locator('.where a').click();
        expect(page.url()).toMatch(/#config-L24$/);
        const r = await checkConfigReadable(page, 24);
        expect(r.problems).toEqual({});
        await page.screenshot({ path: path.join(SHOTS, 'config-line-24.png') });
      },
      60_000,
    );

    browserTest(
      'the failover time series renders with the fault interval shaded',
      async () => {
        const chart = page.locator('.series svg').first();
        await chart.scrollIntoViewIfNeeded();
        const shaded = chart.locator('g.fault_interval_marks path');
        expect(await shaded.count()).toBeGreaterThanOrEqual(4);
        const box = (await shaded.first().boundingBox())!;
        expect(box.width).toBeGreaterThan(40);
        expect(box.height).toBeGreaterThan(40);
        const fill = await shaded
          .first()
          .evaluate((el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el as never).fill);
        expect(fill).toBe('rgb(220, 38, 38)');
        const opacity = Number(
          await shaded
            .first()
            .evaluate((el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el as never).opacity),
        );
        expect(opacity).toBeGreaterThan(0.05);
        expect(opacity).toBeLessThan(0.5); // shaded: the lines under it stay visible
        expect(await chart.locator('g.server_states_marks path').count()).toBeGreaterThanOrEqual(2);
        expect(await chart.locator('path[aria-roledescription="line mark"]').count()).toBeGreaterThanOrEqual(6);
        await chart.screenshot({ path: path.join(SHOTS, 'failover-series.png') });
      },
      60_000,
    );

    browserTest('the contrast helper: black on white is 21, equal colours are 1', () => {
      expect(contrastOf('rgb(0, 0, 0)', 'rgb(255, 255, 255)')).toBeCloseTo(21, 1);
      expect(contrastOf('rgb(10, 20, 30)', 'rgb(10, 20, 30)')).toBeCloseTo(1, 5);
    });

    browserTest('the pages load nothing from outside the report folder and log no errors', () => {
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      expect(consoleErrors).toEqual([]);
    });
  },
);
