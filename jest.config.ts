/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/** TypeScript via SWC, ESM throughout (run with node --experimental-vm-modules; see package.json). */
const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
};
const common: Config = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  rootDir: '.',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // Unit tests sit beside the code they test (harness/, standin/); proxy/ keeps its own test/ (per deployable).
      testMatch: [
        '<rootDir>/harness/**/*.test.ts',
        '<rootDir>/standin/**/*.test.ts',
        '<rootDir>/proxy/test/**/*.test.ts',
      ],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'suites', testMatch: ['<rootDir>/suites/**/*.test.ts'] },
  ],
  testTimeout: 120_000,
  // Longest first on a fresh clone too (test/durations.json): CI has no timing cache.
  testSequencer: '<rootDir>/test/sequencer.mjs',
};
export default config;
