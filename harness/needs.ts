/**
 * One vocabulary for what a test needs from the system under test, and `unmet()`, which turns needs the run cannot
 * meet into the skip reason. Abilities are known before anything starts (harness/abilities.ts): from the profile,
 * the broker kind's capabilities, the balancer config's static facts, tools on PATH and an external target's
 * declared fault commands.
 */
import type { FaultVerb } from './types.js';
import { NET_FAULT_KINDS, type NetFaultKind } from './netfault/fault.js';
import { passiveOnly, type BalancerFacts } from './facts.js';

export const FAULT_VERBS: readonly FaultVerb[] = ['kill', 'pause', 'resume', 'restart', 'stop'];

/** TLS set-ups a test can need: any TLS frontend, a topology, required client certificates, a client certificate. */
export type TlsNeed = 'any' | 'offload' | 'passthrough' | 'mtls' | 'client-cert';
export type ToolNeed = 'mosquitto_pub';

export type Need =
  | FaultVerb
  | 'balancer-facts'
  | 'balancer-view'
  | 'reload'
  /** The balancer itself can be killed (SIGKILL) and started again (Deployment.balancerFault). */
  | 'balancer-restart'
  | 'mqtt5'
  | 'shared-subscriptions'
  /** QoS 2 granted and acknowledged as QoS 2 (RabbitMQ 3.10 downgrades it to QoS 1). */
  | 'qos2'
  /** A retained message is seen by subscribers on every node (RabbitMQ 3.10 keeps it node-local). */
  | 'cluster-retained'
  | 'dashboard-frontend'
  /** Clients can be put on distinct nodes through the balancer (not under `balance first`). */
  | 'spread-placement'
  /** The fault hop (profile `faults.hop`): a TS-proxy between the balancer and each node, checks taking its path. */
  | 'fault-hop'
  /**
   * Network faults on the balancer ↔ node link only, the balancer's health checks taking the same cut while the
   * harness still observes the node directly: the fault hop (local) or rules matching the balancer's address in the
   * node container's namespace (docker). Each verb still needs its { netFault } kind.
   */
  | 'link-faults'
  | { nodes: number }
  | { tls: TlsNeed }
  | { tool: ToolNeed }
  /** A network fault kind on the nodes (partition, blackhole, reset, loss, bandwidth, delay; heal always comes with). */
  | { netFault: NetFaultKind };

/** `true`, or the reason the run does not have it (that reason becomes the skip reason). */
export type Ability = true | string;

/** The flag-like needs, each with its ability. */
export type FlagNeed = Exclude<Need, FaultVerb | object>;

/** What this run can do, known before anything starts; plain JSON (it travels in the run plan). */
export interface Abilities extends Record<FlagNeed, Ability> {
  faults: Record<FaultVerb, Ability>;
  /** Broker nodes the deployment will have. */
  nodes: number;
  tls: Record<TlsNeed, Ability>;
  tools: Record<ToolNeed, Ability>;
  /** Network faults this run's runtime can produce on this machine (probed: root, iptables, tc), or why not. */
  netFaults: Record<NetFaultKind, Ability>;
}

function reasonFor(need: Need, a: Abilities): string | false {
  let ability: Ability;
  if (typeof need === 'string')
    ability = (FAULT_VERBS as readonly string[]).includes(need) ? a.faults[need as FaultVerb] : a[need as FlagNeed];
  else if ('nodes' in need)
    ability = a.nodes >= need.nodes || `needs at least ${need.nodes} nodes (the deployment has ${a.nodes})`;
  else if ('tls' in need) ability = a.tls[need.tls];
  else if ('netFault' in need) ability = a.netFaults[need.netFault];
  else ability = a.tools[need.tool];
  return ability === true ? false : ability;
}

/** The reason the first of `needs` that this run cannot meet is missing, or false when all are met. */
export function unmet(needs: readonly Need[], abilities: Abilities): string | false {
  for (const need of needs) {
    const reason = reasonFor(need, abilities);
    if (reason) return reason;
  }
  return false;
}

/** Everything available: a deployment the harness starts itself with a full TLS set-up. */
export function allAbilities(nodes = 3): Abilities {
  const yes = <K extends string>(keys: readonly K[]): Record<K, Ability> =>
    Object.fromEntries(keys.map((k) => [k, true])) as Record<K, Ability>;
  return {
    faults: yes(FAULT_VERBS),
    'balancer-facts': true,
    'balancer-view': true,
    reload: true,
    'balancer-restart': true,
    mqtt5: true,
    'shared-subscriptions': true,
    qos2: true,
    'cluster-retained': true,
    'dashboard-frontend': true,
    'spread-placement': true,
    'fault-hop': true,
    'link-faults': true,
    nodes,
    tls: yes(['any', 'offload', 'passthrough', 'mtls', 'client-cert'] as const),
    tools: yes(['mosquitto_pub'] as const),
    netFaults: yes(NET_FAULT_KINDS),
  };
}

/**
 * Needs `base` plus the balancer's per-server view, which a config with passive checks only does not need (NGINX
 * open source: no up/down state to read; the scenario then judges the clients and the nodes' own counts). Static
 * facts unknown (an external target): the view is needed.
 */
export function viewUnlessPassive(base: readonly Need[]): (facts: BalancerFacts | undefined) => readonly Need[] {
  return (facts) => (facts && passiveOnly(facts.mqttBackend) ? base : [...base, 'balancer-view']);
}

/** What the balancer side of a deployment decides (kinds, or an external target's profile); the rest comes from the
 *  broker, TLS and tools. */
export type BalancerAbilities = Pick<
  Abilities,
  | 'faults'
  | 'balancer-facts'
  | 'balancer-view'
  | 'reload'
  | 'balancer-restart'
  | 'dashboard-frontend'
  | 'spread-placement'
  | 'nodes'
>;
