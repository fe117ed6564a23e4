/**
 * Refreshes test/durations.json (test/sequencer.mjs's order on a fresh clone) from a Jest output log: every
 * "PASS|FAIL <project> <file> (<n> s)" line. Usage: node scripts/test-durations.mjs <log>
 */
import { readFileSync, writeFileSync } from 'node:fs';

const log = process.argv[2];
if (!log) {
  process.stderr.write('usage: node scripts/test-durations.mjs <jest output log>\n');
  process.exit(2);
}
const file = new URL('../test/durations.json', import.meta.url);
const doc = JSON.parse(readFileSync(file, 'utf8'));
const seconds = {};
for (const line of readFileSync(log, 'utf8').split('\n')) {
  const m = /^(?:PASS|FAIL) \S+ (\S+) \(([0-9.]+) s\)/.exec(line);
  if (m) seconds[m[1]] = Math.round(Number(m[2]));
}
if (!Object.keys(seconds).length) {
  process.stderr.write(`${log}: no "PASS|FAIL <project> <file> (<n> s)" lines\n`);
  process.exit(1);
}
doc.seconds = Object.fromEntries(Object.entries(seconds).sort((a, b) => b[1] - a[1]));
writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`test/durations.json: ${Object.keys(seconds).length} files\n`);
