#!/usr/bin/env node
// Run-to-run spread of the baseline comparison's figures over report folders of repeated runs of one profile, and
// each run compared with each other run as its baseline (what `--baseline` does, without re-running anything).
//
//   npm run build && node scripts/baseline-spread.mjs /tmp/b18-run1 … /tmp/b18-run5 [--json]
//
// Exit code: 0 when no pairwise comparison finds a regression, 1 when one does, 2 on bad usage.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/harness/report/', import.meta.url));
if (!existsSync(path.join(dist, 'baseline-spread.js'))) {
  process.stderr.write('baseline-spread: dist/ is missing or stale; run `npm run build`\n');
  process.exit(2);
}
const { parseSummaryFile } = await import(path.join(dist, 'summary-file.js'));
const { figureSpreads, kindSpreads, pairwiseComparison } = await import(path.join(dist, 'baseline-spread.js'));
const { DEFAULT_TOLERANCES, toleranceText } = await import(path.join(dist, 'baseline-tolerances.js'));

const args = process.argv.slice(2);
const json = args.includes('--json');
const dirs = args.filter((a) => a !== '--json');
if (dirs.length < 2) {
  process.stderr.write('usage: node scripts/baseline-spread.mjs <report dir or summary.json> × ≥ 2 [--json]\n');
  process.exit(2);
}

/** One Summary per folder (single-profile runs; a bundle's first profile). */
const runs = dirs.map((d) => {
  const file = d.endsWith('.json') ? d : path.join(d, 'summary.json');
  return parseSummaryFile(readFileSync(file, 'utf8'))[0];
});
const spreads = figureSpreads(runs);
const kinds = kindSpreads(spreads);
const pairs = pairwiseComparison(runs);

if (json) {
  process.stdout.write(`${JSON.stringify({ runs: dirs, spreads, kinds, pairs }, null, 2)}\n`);
} else {
  const fmt = (v) => (v === undefined ? '—' : v === null ? 'null' : String(v));
  process.stdout.write(`runs: ${runs.map((r, i) => `#${i + 1} ${r.run.id}`).join(', ')}\n\nfigure spreads:\n`);
  for (const s of spreads) {
    const tag = s.informational ? `  [informational: ${s.informational}]` : '';
    process.stdout.write(
      `  ${s.path}: ${s.values.map(fmt).join(' / ')}  max pairwise Δ ${fmt(s.maxPairwiseDelta)}${tag}\n`,
    );
  }
  process.stdout.write('\nper kind (figures the runs assert) and the tolerance in force:\n');
  for (const k of kinds) {
    const t = DEFAULT_TOLERANCES[k.kind];
    const rule = t.informational ? `informational: ${t.informational}` : toleranceText(t, '');
    process.stdout.write(
      `  ${k.kind}: max Δ ${fmt(k.maxPairwiseDelta)} (${k.widest ?? 'n/a'}; ${k.judged} judged, ${k.informational} informational) → ${rule}\n`,
    );
  }
  const bad = pairs.filter((p) => p.regressed);
  process.stdout.write(
    `\npairwise --baseline comparisons: ${pairs.length}, with a regression: ${bad.length}` +
      ` (per comparison: ${pairs[0]?.judged ?? 0} judged metric(s), ${pairs[0]?.informational ?? 0} informational)\n`,
  );
  for (const p of bad) {
    process.stdout.write(`  run #${p.current + 1} vs baseline #${p.baseline + 1}:\n`);
    for (const r of p.regressions) process.stdout.write(`    ${r}\n`);
  }
}
process.exitCode = pairs.some((p) => p.regressed) ? 1 : 0;
