/**
 * What a run can do, resolved once before anything starts (the run plan carries it into the suites): the broker
 * kind's capabilities, the balancer config's static facts (or an external target's declarations), the profile's TLS
 * set-up and the tools on PATH.
 */
import type { Profile } from './profile/schema.js';
import type { BalancerFacts } from './facts.js';
import { staticBalancer } from './balancer/static-facts.js';
import { balancerKind } from './balancer/kinds.js';
import { SERVICE_PORTS } from './balancer/balancer.js';
import { capabilitiesOf } from './brokers/capabilities.js';
import { externalAbilities } from './external/abilities.js';
import { tlsAbilities } from './tls/abilities.js';
import { onPath } from './util/on-path.js';
import { allAbilities, type Abilities, type BalancerAbilities } from './needs.js';
import { requireTransportEndpoints, transportList } from './clients/transport.js';
import { hopFaultAbility, linkFaultAbility, runNetFaultAbilities } from './netfault/run-abilities.js';

/** Balancer kinds the harness does not start, each with what its profile declares. */
const declaredAbilities: Partial<Record<string, (profile: Profile) => BalancerAbilities>> = {
  external: externalAbilities,
};

/** A balancer the harness starts: everything but what its config lacks (read statically, without starting it). */
function startedAbilities(
  profile: Profile,
  facts: { endpoints: { dashboard?: unknown }; facts: BalancerFacts } | undefined,
): BalancerAbilities {
  const algorithm = facts?.facts.mqttBackend.algorithm;
  const { faults, reload } = allAbilities();
  return {
    faults,
    'balancer-restart': true,
    'balancer-facts': true,
    // A kind whose view cannot report per-server state (NGINX) says why: tests reading server states skip with it.
    'balancer-view': balancerKind(profile.balancer.kind)?.viewLacks ?? true,
    reload,
    'dashboard-frontend':
      !facts || facts.endpoints.dashboard
        ? true
        : `the config has no frontend for the nodes' dashboard port ${SERVICE_PORTS.http}`,
    'spread-placement':
      algorithm?.value !== 'first' ||
      `\`balance first\` (line ${algorithm.line ?? '?'}) sends every client to the first server until its maxconn: clients cannot be put on distinct nodes through the balancer`,
    nodes: profile.broker.nodes,
  };
}

export interface ResolvedAbilities {
  abilities: Abilities;
  /** The balancer config's facts read statically (undefined for an external target or a config that cannot be read). */
  balancerFacts?: BalancerFacts;
}

export async function resolveAbilities(profile: Profile): Promise<ResolvedAbilities> {
  const declared = declaredAbilities[profile.balancer.kind];
  const read = declared ? undefined : await staticBalancer(profile);
  // A transport the config has no frontend for stops the run before anything starts (ConfigError naming the file).
  if (read)
    requireTransportEndpoints(transportList(profile.clients.transport), read.endpoints, profile.balancerConfigFile);
  const balancer = declared ? declared(profile) : startedAbilities(profile, read);
  const caps = capabilitiesOf(profile.broker.kind);
  const hopOn = hopFaultAbility(profile.runtime, Boolean(declared), profile.faults.hop) === true;
  const kind = profile.broker.kind;
  return {
    abilities: {
      ...balancer,
      mqtt5: caps.mqtt5 || `${kind} broker: MQTT 5 not supported (${caps.notes[0] ?? ''})`,
      'shared-subscriptions':
        caps.sharedSubscriptions ||
        `${kind} broker: no shared subscriptions ($share/<group>/<topic> is a literal topic there)`,
      qos2:
        caps.qos2 !== false ||
        `${kind} broker: ${caps.notes.find((n) => n.startsWith('QoS 2')) ?? 'QoS 2 not supported'}`,
      'cluster-retained':
        caps.retainedClusterWide !== false ||
        `${kind} broker: ${caps.notes.find((n) => n.startsWith('Retained')) ?? 'retained messages are node-local'}`,
      tls: tlsAbilities(profile),
      tools: {
        mosquitto_pub:
          onPath('mosquitto_pub', 'MOSQUITTO_PUB') ||
          'mosquitto_pub is not installed (apt-get install mosquitto-clients)',
      },
      netFaults: await runNetFaultAbilities(profile.runtime, Boolean(declared), hopOn),
      'fault-hop': hopFaultAbility(profile.runtime, Boolean(declared), profile.faults.hop),
      'link-faults': linkFaultAbility(profile.runtime, Boolean(declared), profile.faults.hop),
    },
    ...(read ? { balancerFacts: read.facts } : {}),
  };
}
