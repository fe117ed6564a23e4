/**
 * Every suite's `thresholds.<suite>` schema in one object, referenced from the profile schema: unknown keys and
 * wrong values are refused by the profile loader with the file, line and key, before anything starts.
 */
import { z } from 'zod';
import { capacitySchema } from '../capacity/settings.js';
import { failoverSchema } from '../failover/thresholds.js';
import { fairnessSchema } from '../fairness/settings.js';
import { keepaliveSchema } from '../keepalive/settings.js';
import { tlsThresholdsSchema } from '../tls/settings.js';

export const pubsubSchema = z.object({}).strict();

export const suiteThresholds = z
  .object({
    failover: failoverSchema.prefault({}),
    fairness: fairnessSchema.prefault({}),
    keepalive: keepaliveSchema.prefault({}),
    tls: tlsThresholdsSchema.prefault({}),
    pubsub: pubsubSchema.prefault({}),
    capacity: capacitySchema.prefault({}),
  })
  .strict();

export type SuiteThresholds = z.output<typeof suiteThresholds>;
