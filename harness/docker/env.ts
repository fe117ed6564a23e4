/**
 * Environment defaults that testcontainers reads: import this module before `testcontainers` (ESM evaluates
 * imports in order, so `import './env.js'` as the first import of any module that imports testcontainers).
 *
 * - Ryuk (the reaper) cannot be pulled here: off by default; the harness labels every container and network with
 *   its run id and sweeps them instead (engine.ts).
 * - Without a host override, testcontainers targets the default bridge's gateway when /.dockerenv exists; the
 *   harness only ever talks to published ports on loopback.
 * Users can still override both from the environment.
 */
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export const TESTCONTAINERS_ENV_APPLIED = true;
