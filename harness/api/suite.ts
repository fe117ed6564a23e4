/**
 * `import { useDeployment } from 'mqtt-lb-harness/suite'`: the suites' harness for your own Jest files run by
 * `mqtt-lb run` inside the run's deployment. A subpath of its own: importing it resolves the run plan and needs
 * Jest's globals, which the main entry must not.
 */
export { useDeployment, currentProfile } from '../suite/context.js';
export type { SuiteHarness, TestOptions } from '../suite/context.js';
