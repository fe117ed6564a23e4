/**
 * The Jest config of one profile's suites: exactly the selected files (built-in suites and custom suite files,
 * wherever they are), TypeScript through SWC as in jest.config.ts, and `mqtt-lb-harness` mapped to the harness's
 * public suite API so that a user's suite file runs against the harness that runs it.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';

/** What a custom suite imports: `import { useDeployment, finding } from 'mqtt-lb-harness'`. */
export const PUBLIC_MODULE = 'mqtt-lb-harness';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `dirs` without those inside another one of them (Jest would crawl them twice). */
function outermost(dirs: string[]): string[] {
  const unique = [...new Set(dirs)];
  return unique.filter((d) => !unique.some((o) => o !== d && d.startsWith(`${o}${path.sep}`)));
}

/** The config for `files` (absolute paths of `*.test.ts`). */
export function suitesJestConfig(suiteFiles: readonly string[]): Record<string, unknown> {
  // Jest matches tests on real paths (it resolves its rootDir): a file reached through a symlink must match too.
  const root = realpathSync(projectRoot());
  const files = suiteFiles.map((f) => realpathSync(f));
  const require = createRequire(import.meta.url);
  // The harness is itself under node_modules when installed as a package: its suites must still be found and compiled.
  const installed = root.split(path.sep).includes('node_modules');
  return {
    rootDir: root,
    roots: outermost([root, ...files.map((f) => path.dirname(f))]),
    testRegex: files.map((f) => `^${escapeRegExp(f)}$`),
    testPathIgnorePatterns: [],
    transform: {
      '^.+\\.ts$': [
        require.resolve('@swc/jest'),
        { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
      ],
    },
    transformIgnorePatterns: [`/node_modules/(?!${escapeRegExp(PUBLIC_MODULE)}/)`],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: {
      '^(\\.{1,2}/.*)\\.js$': '$1',
      [`^${escapeRegExp(PUBLIC_MODULE)}$`]: path.join(root, 'harness', 'suite', 'public.ts'),
    },
    testEnvironment: 'node',
    modulePathIgnorePatterns: ['<rootDir>/dist/'],
    ...(installed ? { haste: { retainAllFiles: true } } : {}),
    testTimeout: 120_000,
  };
}

/** Writes the config as JSON (Jest's `--config <file>`) and returns the file. */
export function writeSuitesJestConfig(files: readonly string[], file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(suitesJestConfig(files), null, 1));
  return file;
}
