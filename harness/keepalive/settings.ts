/**
 * The keepalive suite's parameters (profile `thresholds.keepalive`, all optional), one zod schema referenced from
 * the profile schema so a typo is refused at its file:line:
 *
 *   factor: 1.5            idle timeout must be ≥ factor × keepalive (1.2 = EMQX's guidance)
 *   keepalive_s:           keepalive of the dynamic check's clients (default: the profile's `clients.keepalive_s`
 *                          when 1.5 × it fits max_idle_wait_s, else 10 s)
 *   max_idle_wait_s: 45    bound on the dynamic check's idle wait
 *   idle_clients: 6        clients in the dynamic check
 */
import { z } from 'zod';
import { DEFAULT_FACTOR } from './static-check.js';

const positive = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });

export const keepaliveSchema = z
  .object({
    factor: positive.default(DEFAULT_FACTOR),
    keepalive_s: positive.optional(),
    max_idle_wait_s: positive.default(45),
    idle_clients: positive.default(6),
  })
  .strict();

export type KeepaliveThresholds = z.output<typeof keepaliveSchema>;
