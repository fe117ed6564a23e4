/** README "Use it as a library" shows the tested example's code: the block must equal the example's marked region. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { projectRoot } from '../util/project-root.js';

const EXAMPLE = 'examples/balancer-check/test/failover.test.ts';

function region(text: string): string {
  const m = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme/.exec(text);
  if (!m) throw new Error(`${EXAMPLE} has no "// #region readme" … "// #endregion readme" block`);
  return m[1]!.trimEnd();
}

function readmeBlock(text: string): string {
  const section = text.split(/^## Use it as a library$/m)[1];
  if (!section) throw new Error('README.md has no "## Use it as a library" section');
  const m = /```ts\n([\s\S]*?)```/.exec(section.split(/^## /m)[0]!);
  if (!m) throw new Error('the "Use it as a library" section has no ```ts block');
  return m[1]!.trimEnd();
}

test('the README library block is the example test region, verbatim', () => {
  const root = projectRoot();
  const example = readFileSync(path.join(root, EXAMPLE), 'utf8');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readmeBlock(readme)).toBe(region(example));
});
