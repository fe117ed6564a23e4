/**
 * `import { useDeployment, finding, metric } from 'mqtt-lb-harness/suite'`: the harness for your own Jest files that
 * `mqtt-lb run --suite <file>` (or a profile's `suites:`) runs inside the run's deployment (harness/suite/public.ts).
 * A subpath of its own: importing it resolves the run plan and needs Jest's globals, which the main entry must not.
 */
export * from '../suite/public.js';
