/**
 * The Jest config of one profile's suites: exactly the selected files (built-in suites and custom suite files,
 * wherever they are), TypeScript through SWC as in jest.config.ts, and `mqtt-lb-harness` (and its `/suite` subpath)
 * mapped to the harness that runs the file, so that a user's suite runs against it even where it is not installed.
 */
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';

/** The package; a custom suite imports `{ useDeployment, finding, metric }` from its `/suite` subpath. */
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
  // A package install ships the build, not harness/'s TypeScript: the suites' `../harness/…` imports and the public
  // module resolve to dist/ there (a checkout compiles the sources through SWC).
  const sources = existsSync(path.join(root, 'harness'));
  const harnessMapper: Record<string, string> = sources
    ? {}
    : { '^(?:\\.\\./)+harness/(.*)$': path.join(root, 'dist', 'harness', '$1') };
  // The package's two entries, resolved to the harness that runs the suite (harness/api/: the builder, and /suite).
  const entry = (name: 'index' | 'suite'): string =>
    sources ? path.join(root, 'harness', 'api', `${name}.ts`) : path.join(root, 'dist', 'harness', 'api', `${name}.js`);
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
      ...harnessMapper,
      '^(\\.{1,2}/.*)\\.js$': '$1',
      [`^${escapeRegExp(PUBLIC_MODULE)}/suite$`]: entry('suite'),
      [`^${escapeRegExp(PUBLIC_MODULE)}$`]: entry('index'),
    },
    testEnvironment: 'node',
    modulePathIgnorePatterns: sources ? ['<rootDir>/dist/'] : [],
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
