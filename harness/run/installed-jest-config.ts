/**
 * The Jest configuration of `mqtt-lb run`'s child where this package is installed in a user's node_modules (no
 * TypeScript sources of harness/ there, and jest.config.ts cannot be loaded from node_modules): the suites through
 * SWC, their `../harness/…` imports mapped to the build, files under node_modules crawled and transformed.
 */
import type { Config } from 'jest';
import { projectRoot } from '../util/project-root.js';

const config: Config = {
  projects: [
    {
      displayName: 'suites',
      rootDir: projectRoot(),
      testMatch: ['<rootDir>/suites/**/*.test.ts'],
      transform: {
        '^.+\\.ts$': [
          '@swc/jest',
          { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
        ],
      },
      extensionsToTreatAsEsm: ['.ts'],
      moduleNameMapper: { '^(?:\\.\\./)+harness/(.*)$': '<rootDir>/dist/harness/$1' },
      testEnvironment: 'node',
      // The package itself sits under node_modules: keep its files in the crawl, the test paths and the transform.
      haste: { retainAllFiles: true },
      testPathIgnorePatterns: ['/node_modules/(?!mqtt-lb-harness/)'],
      transformIgnorePatterns: ['/node_modules/(?!mqtt-lb-harness/suites/)'],
    },
  ],
  testTimeout: 120_000,
};
export default config;
