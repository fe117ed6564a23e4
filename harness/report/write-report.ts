/**
 * Writes a run's report directory:
 * - one profile: index.html (the profile page), summary.json (the Summary), junit.xml;
 * - several: index.html (matrix), profiles/<name>.html, summary.json ({schema: 1, runs}), junit.xml.
 * Balancer configs are redacted in summary.json as on the pages.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareToBaseline, type BaselineDiff } from './baseline.js';
import { renderIndex } from './html/index-page.js';
import { renderProfilePage } from './html/profile-page.js';
import { renderJunit } from './junit.js';
import { redactSummary } from './redact.js';
import { summaryFileContent } from './summary-file.js';
import type { Summary } from './summary-types.js';

export interface WriteReportOptions {
  /** Summaries of an earlier run; each profile is compared with the baseline run of the same profileName. */
  baseline?: Summary[];
}

/** A file name for a profile page: safe characters only, unique within the run. */
export function profileFileNames(summaries: Summary[]): Record<string, string> {
  const used = new Set<string>();
  const names: Record<string, string> = {};
  for (const s of summaries) {
    const base = s.run.profileName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'profile';
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    used.add(name.toLowerCase());
    names[s.run.profileName] = `${name}.html`;
  }
  return names;
}

function baselineDiffs(summaries: Summary[], baseline: Summary[] | undefined): Record<string, BaselineDiff> {
  const diffs: Record<string, BaselineDiff> = {};
  for (const current of summaries) {
    const before = baseline?.find((b) => b.run.profileName === current.run.profileName);
    if (before) diffs[current.run.profileName] = compareToBaseline(current, before);
  }
  return diffs;
}

export async function writeReport(
  outDir: string,
  summaries: Summary[],
  opts: WriteReportOptions = {},
): Promise<{ index: string; files: string[] }> {
  if (summaries.length === 0) throw new Error('writeReport: no summaries to report');
  // Validated by the schema before anything is written (a harness bug, not a run result, when it throws).
  const summaryJson = `${JSON.stringify(summaryFileContent(summaries.map(redactSummary)), null, 2)}\n`;
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const write = async (relative: string, content: string) => {
    const path = join(outDir, relative);
    await writeFile(path, content, 'utf8');
    files.push(path);
  };
  const diffs = baselineDiffs(summaries, opts.baseline);
  const index = join(outDir, 'index.html');

  if (summaries.length === 1) {
    const only = summaries[0]!;
    await write('index.html', await renderProfilePage(only, { baseline: diffs[only.run.profileName] }));
  } else {
    const fileNames = profileFileNames(summaries);
    const profilePages = Object.fromEntries(
      Object.entries(fileNames).map(([profile, file]) => [profile, `profiles/${file}`]),
    );
    await mkdir(join(outDir, 'profiles'), { recursive: true });
    for (const summary of summaries) {
      const page = await renderProfilePage(summary, {
        baseline: diffs[summary.run.profileName],
        indexHref: '../index.html',
      });
      await write(`profiles/${fileNames[summary.run.profileName]}`, page);
    }
    await write('index.html', renderIndex(summaries, { profilePages, baselines: diffs }));
  }
  await write('summary.json', summaryJson);
  await write('junit.xml', renderJunit(summaries));
  return { index, files };
}
