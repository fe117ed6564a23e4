/** `mqtt-lb run --suites tls` as a user runs it, and the reader for its metrics.tls (shared by the TLS CLI tests). */
import type { Summary, TlsMetrics } from '../../harness/report/summary-types.js';
import { runSuiteCli, type SuiteRun } from './cli-helpers.js';
import { runSuiteCliBatch } from '../helpers/cli-batch.js';

/** The TLS sources these tests are about: dist/ must be built from them. */
const TLS_SOURCES = [
  'suites/tls.test.ts',
  'harness/pki/run-tls.ts',
  'harness/tls/tls-target.ts',
  'harness/balancer/haproxy/cert-params.ts',
  'harness/balancer/ts-proxy/map-config.ts',
];

export const runTls = (profile: string, extraArgs: string[] = []): Promise<SuiteRun> =>
  runSuiteCli(profile, 'tls', extraArgs, { built: TLS_SOURCES });
/** Several TLS profiles in one `mqtt-lb run` (see runSuiteCliBatch), each read as runTls reads it. */
export const runTlsBatch = (profiles: readonly string[], extraArgs: string[] = []): Promise<Map<string, SuiteRun>> =>
  runSuiteCliBatch(profiles, 'tls', extraArgs, { built: TLS_SOURCES });
export const tlsMetrics = (s: Summary): TlsMetrics & Record<string, unknown> =>
  s.metrics.tls as TlsMetrics & Record<string, unknown>;
