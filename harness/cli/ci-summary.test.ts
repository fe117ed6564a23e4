import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCiSummaries } from './ci-summary.js';

describe('writeCiSummaries', () => {
  test('--summary-md replaces its file (creating folders); $GITHUB_STEP_SUMMARY is appended to', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-lb-ci-summary-'));
    const file = path.join(dir, 'sub', 'summary.md');
    const step = path.join(dir, 'step.md');
    writeFileSync(step, '## an earlier step\n');
    const written = writeCiSummaries('## run\n', { file, env: { GITHUB_STEP_SUMMARY: step } });
    expect(written).toEqual([file, step]);
    writeCiSummaries('## run again\n', { file, env: { GITHUB_STEP_SUMMARY: step } });
    expect(readFileSync(file, 'utf8')).toBe('## run again\n');
    expect(readFileSync(step, 'utf8')).toBe('## an earlier step\n## run\n\n## run again\n\n');
  });

  test('neither the flag nor the variable: nothing is written', () => {
    expect(writeCiSummaries('## run\n', { env: {} })).toEqual([]);
  });
});
