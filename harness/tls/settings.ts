/**
 * The tls suite's parameters and thresholds (profile `thresholds.tls`, all optional), one zod schema referenced from
 * the profile schema so a typo is refused at its file:line:
 *
 *   handshake_concurrency: 4   handshakes in flight in the handshake-cost test
 *   handshake_count: 2000      at most this many handshakes …
 *   handshake_max_ms: 3000     … within at most this long
 *   min_handshakes_per_s:      optional: an error finding below this rate
 *   max_p99_ms:                optional: an error finding above this p99
 */
import { z } from 'zod';

const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const count = z.int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' });

export const tlsThresholdsSchema = z
  .object({
    handshake_concurrency: count.default(4),
    handshake_count: count.default(2000),
    handshake_max_ms: positive.default(3000),
    min_handshakes_per_s: positive.optional(),
    max_p99_ms: positive.optional(),
  })
  .strict();

export type TlsThresholds = z.output<typeof tlsThresholdsSchema>;
