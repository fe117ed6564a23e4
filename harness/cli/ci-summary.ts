/** Writes the run's Markdown summary: to `--summary-md <file>`, and appended to `$GITHUB_STEP_SUMMARY` when set. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `file` is replaced; the step-summary file is appended to, as GitHub expects (several steps may write to it).
 * Returns the paths written.
 */
export function writeCiSummaries(markdown: string, opts: { file?: string; env?: NodeJS.ProcessEnv }): string[] {
  const written: string[] = [];
  if (opts.file) {
    const file = path.resolve(opts.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, markdown, 'utf8');
    written.push(file);
  }
  const step = opts.env?.GITHUB_STEP_SUMMARY;
  if (step) {
    appendFileSync(step, `${markdown}\n`, 'utf8');
    written.push(step);
  }
  return written;
}
