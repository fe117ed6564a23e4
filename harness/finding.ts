/** A finding: what a check observed, why in config terms (file and line), and what to change. Core vocabulary. */
import { z } from 'zod';

export const Finding = z.object({
  /** 'error' fails the test, 'warning' is shown but does not fail, 'info' is context. */
  severity: z.enum(['error', 'warning', 'info']),
  /** What was observed, in one sentence. */
  title: z.string(),
  /** Why: usually a config line and what it means. */
  detail: z.string().optional(),
  /** The config file and 1-based line the finding is about, when there is one. */
  file: z.string().optional(),
  line: z.number().optional(),
  /** What to change. */
  remedy: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;
