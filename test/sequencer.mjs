/**
 * Jest's test order, longest first even on a fresh clone: Jest sorts by the durations in its own cache, and without
 * one (CI's clean clone) by file size, which starts the suites (13-line files that run a whole deployment) last and
 * leaves one worker busy alone at the end. Here a file's duration comes from Jest's cache when it has one, else from
 * test/durations.json (measured in a CI check), else 1 s.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sequencer from '@jest/test-sequencer';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const KNOWN = JSON.parse(readFileSync(path.join(ROOT, 'test/durations.json'), 'utf8')).seconds;
const Base = Sequencer.default ?? Sequencer;

export default class DurationSequencer extends Base {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const s = KNOWN[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return (s ?? 1) * 1000;
  }
}
