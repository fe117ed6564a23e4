/** TypeScript tests through SWC, ESM (run Jest with node --experimental-vm-modules). */
export default {
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // my-flows.test.ts runs inside `mqtt-lb run`'s deployment (--suite), not on its own.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/my-flows.test.ts'],
  testTimeout: 120_000,
};
