/**
 * What `mqtt-lb doctor -p <profile>` adds for the given profiles: programs only some profiles need (rabbitmq-server
 * for `broker.kind: rabbitmq` on the local runtime), reported only when a profile asks for them.
 */
import { existsSync } from 'node:fs';
import { loadProfiles } from './args.js';
import type { Check } from './doctor-checks.js';
import { RABBITMQ_SERVER } from '../local/rabbitmq/node.js';
import { rabbitVersion } from '../local/rabbitmq/facts.js';
import type { Profile } from '../profile/schema.js';

/** A local RabbitMQ install: Debian's server script (run directly by the harness) and its version. */
export function checkRabbitmq(forWhat: string): Check {
  const ok = existsSync(RABBITMQ_SERVER);
  return {
    name: 'rabbitmq-server',
    ok,
    detail: ok ? `${rabbitVersion()} (${RABBITMQ_SERVER})` : `${RABBITMQ_SERVER} not found`,
    forWhat,
    required: true,
    apt: 'rabbitmq-server',
  };
}

/** Profiles whose broker the local runtime starts as RabbitMQ nodes (a docker runtime brings its own image). */
export function localRabbitProfiles(profiles: readonly Profile[]): string[] {
  return profiles.filter((p) => p.broker.kind === 'rabbitmq' && p.runtime !== 'docker').map((p) => p.name);
}

/** The checks the profiles at `paths` (files or folders) ask for beyond the base ones. */
export function profileChecks(paths: string[]): Check[] {
  const rabbit = localRabbitProfiles(loadProfiles(paths, {}));
  return rabbit.length
    ? [checkRabbitmq(`broker kind rabbitmq on the local runtime (profile ${rabbit.join(', ')})`)]
    : [];
}
