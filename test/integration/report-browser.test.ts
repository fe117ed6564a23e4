/**
 * The report in a real browser: Debian's headless Chromium (driven by playwright-core, which downloads nothing)
 * opens a two-profile report from disk, and the matrix, a chart and a finding must be on screen. Screenshots are
 * kept under reports/test-report-browser/ (git-ignored). Skipped, with the reason, when chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeReport } from '../../harness/report/index.js';
import { roundrobinSummary, sourceSummary } from '../helpers/report-fixtures.js';
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

    browserTest('the pages load nothing from outside the report folder and log no errors', () => {
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      expect(consoleErrors).toEqual([]);
    });
  },
);
