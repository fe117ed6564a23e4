/** Files for the unit tests: fixtures by path, and throw-away files a test writes. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A file below fixtures/ (relative to the repository root, where Jest runs): its text and absolute path. */
export function fixture(rel: string): { text: string; file: string } {
  const file = path.resolve('fixtures', rel);
  return { text: readFileSync(file, 'utf8'), file };
}

/** Writes `text` to `name` in a new temporary directory; returns the file's path. */
export function tmpFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mlb-unit-')), name);
  writeFileSync(file, text);
  return file;
}
