/**
 * Steps the failover scenarios share: a warm-up of the stream, what the balancer sent to a failed
 * node, the loss verdict in the backend's own semantics, and extra clients placed through the balancer.
 */
import type { MqttClient } from 'mqtt';
import type { Deployment, FaultVerb, NodeName } from '../types.js';
import type { Finding } from '../report/summary-types.js';
import type { ClientPool } from '../clients/mqtt.js';
import { connectPlaced } from '../clients/placement.js';
import type { FailoverScenario } from './scenario.js';
import type { FleetMember } from './fleet.js';
import type { FailoverThresholds } from './thresholds.js';
import type { BalancerFacts } from '../facts.js';
import { describeAttempts, type AttemptSummary } from './measure.js';
import { detectionBound, serverOf, type FaultMode } from './check-facts.js';
import { detectionWindowMs } from './windows.js';
import { remediesOf } from '../balancer/kinds.js';
import { waitFor } from '../util/wait.js';

const endClient = (c: MqttClient): Promise<void> => new Promise((r) => c.end(true, {}, () => r()));

/** Lets the stream run about one second (counted in messages, bounded in time). */
export async function warmUp(s: FailoverScenario, seconds = 1): Promise<void> {
  const tr = s.traffic;
  if (!tr) return;
  const target = tr.published + Math.ceil(seconds * s.ctx.thresholds.ratePerQos * s.ctx.thresholds.publishers * 3);
  await waitFor(() => tr.published >= target, {
    timeoutMs: seconds * 5000,
    intervalMs: 20,
    what: 'the stream to warm up',
  });
}

/**
 * Warms the stream up, injects `verb` on the busiest node, then waits (bounded) both for the balancer to take the
 * node out — within the window the check's worst case for `mode` and `thresholdMs` allow — and for its clients to be
 * back. Under passive checks there is no DOWN state to wait for (`detectionMs` null, `passive` true): only the clients.
 */
export async function faultBusiestNode(
  s: FailoverScenario,
  f: { verb: FaultVerb; mode: FaultMode; thresholdMs: number; reconnectWindowMs: number },
) {
  const facts = s.ctx.deployment.balancerFacts;
  const target = s.busiestNode();
  const server = serverOf(facts, target);
  const affected = s.on(target);
  await warmUp(s);
  const t0 = await s.fault(target, f.verb);
  const bound = detectionBound(server.check, f.mode);
  const passive = bound.passive === true;
  const [detectionMs] = await Promise.all([
    passive ? null : s.detection(target, t0, detectionWindowMs(bound, f.thresholdMs, s.ctx.thresholds.capMs)),
    s.allReconnected(affected, t0, f.reconnectWindowMs),
  ]);
  return { facts, target, server, affected, t0, bound, detectionMs, passive };
}

/** Sessions the balancer sent to `node` between two instants (its own per-server counter), or null. */
export function routedByBalancer(s: FailoverScenario, node: NodeName, from: number, to: number): number | null {
  const a = s.poller.stateAt(node, from);
  const b = s.poller.stateAt(node, to);
  return a && b ? Math.max(0, b.total - a.total) : null;
}

/** Why the balancing algorithm keeps sending reconnecting clients to a failed node it has not taken out. */
export function algorithmNote(facts: BalancerFacts): string {
  const b = facts.mqttBackend;
  const at = (l?: number): string => (l ? ` (line ${l})` : '');
  if (b.clientIdStickiness?.value)
    return `client-id stickiness${at(b.clientIdStickiness.line)} sends a reconnecting client back to its old server while that server counts as up`;
  if (b.algorithm.value === 'source')
    return `balance source${at(b.algorithm.line)} hashes a client's address to the same server on every reconnect`;
  if (b.algorithm.value === 'leastconn')
    return `balance leastconn${at(b.algorithm.line)} prefers the server with the fewest connections, which is the failed one once its clients have left`;
  return '';
}

/** What the balancer did with new connections before it noticed the failed node, and what clients saw. */
export function routedFinding(
  facts: BalancerFacts,
  node: NodeName,
  routed: number | null,
  attempts: AttemptSummary,
  check: string,
): Finding {
  const stalled = attempts.closedWithoutConnack > 0;
  const redispatch = remediesOf(facts.kind).redispatch;
  return {
    severity: 'info',
    title: `before ${node} was marked DOWN the balancer sent it ${routed ?? 'an unknown number of'} connection(s); the affected clients saw ${describeAttempts(attempts)}`,
    detail: `${check}${stalled ? `. The balancer accepted those connections and kept trying the dead server, so the clients waited for a CONNACK that never came${algorithmNote(facts) ? `; ${algorithmNote(facts)}` : ''}` : ''}`,
    ...(stalled && redispatch ? { remedy: redispatch } : {}),
  };
}

export interface LossVerdict {
  findings: Finding[];
  problems: string[];
  persistent: Record<string, unknown>;
}

/**
 * QoS 1 loss is judged where the backend promises it: for persistent (clean=false) subscribers that
 * were cut off by the fault and resumed their session — when the backend keeps a lost node's sessions
 * (stand-in: yes, EMQX CE: no). Loss to subscribers that stayed online is reported with the backend's
 * own semantics (stand-in: cross-node QoS 1 is at-most-once through Redis pub/sub), not judged.
 */
export function assessLoss(
  d: Deployment,
  s: FailoverScenario,
  affected: FleetMember[],
  t: FailoverThresholds,
  /** Who the affected subscribers were, in the findings' words. */
  cutOff = 'of the failed node',
): LossVerdict {
  const tr = s.traffic!;
  const findings: Finding[] = [];
  const problems: string[] = [];
  const subs = s.fleet.byRole('subscriber');
  const cut = subs.filter((m) => affected.includes(m));
  const online = subs.filter((m) => !affected.includes(m));
  const ids = (ms: FleetMember[]): Set<string> => new Set(ms.map((m) => m.id));
  const offline = tr.totals(ids(cut));
  const stayed = tr.totals(ids(online));
  const resumedWithSession = (m: FleetMember): boolean => {
    const closed = m.events.firstAfter('close', 0);
    return !!closed && !!m.events.firstAfter('connack', closed.at)?.sessionPresent;
  };
  const resumed = cut.filter(resumedWithSession).length;
  const fabricNote = d.capabilities.notes.find((n) => /QoS 1/.test(n)) ?? 'see the backend notes';
  if (cut.length && d.capabilities.sessionsSurviveNodeLoss) {
    findings.push({
      severity: 'info',
      title: `${resumed} of ${cut.length} persistent subscriber(s) ${cutOff} resumed with sessionPresent=true; lost while they were cut off: QoS 1 ${offline[1].lost}, QoS 2 ${offline[2].lost}`,
      detail: `${d.brokerKind}: sessions survive the loss of their node, so every acknowledged QoS 1/2 message must arrive after the resume`,
    });
    if (resumed < cut.length)
      problems.push(`${cut.length - resumed} persistent subscriber(s) resumed without their session`);
    if (offline[1].lost > t.qos1Lost) {
      problems.push(
        `${offline[1].lost} QoS 1 deliveries lost to resumed persistent sessions (threshold ${t.qos1Lost})`,
      );
      findings.push({
        severity: 'error',
        title: `${offline[1].lost} acknowledged QoS 1 deliveries never reached the ${cut.length} persistent subscriber(s) that resumed their session (threshold ${t.qos1Lost})`,
        detail: `${d.brokerKind} keeps a lost node's sessions, so these messages were queued for them and acknowledged to the publisher: a loss inside the broker cluster, not in the balancer`,
      });
    }
    if (offline[2].lost)
      findings.push({
        severity: 'warning',
        title: `${offline[2].lost} acknowledged QoS 2 deliveries never reached the resumed persistent subscriber(s)`,
      });
  } else if (cut.length) {
    findings.push({
      severity: 'info',
      title: `${cut.length} persistent subscriber(s) ${cutOff} lost their sessions (${offline[1].lost} QoS 1 and ${offline[2].lost} QoS 2 deliveries lost; ${resumed} resumed with a session): ${d.brokerKind} does not keep a lost node's sessions`,
      detail: d.capabilities.notes[0],
    });
  }
  if (stayed[1].lost || stayed[2].lost) {
    findings.push({
      severity: 'warning',
      title: `subscribers that stayed online missed ${stayed[1].lost} QoS 1 and ${stayed[2].lost} QoS 2 acknowledged deliveries (backend semantics, not judged)`,
      detail: `${d.brokerKind}: ${fabricNote}`,
    });
  }
  const all = tr.totals();
  if (all[2].duplicated)
    findings.push({
      severity: 'warning',
      title: `${all[2].duplicated} QoS 2 deliveries duplicated (exactly-once not kept by ${d.brokerKind} during the failover)`,
    });
  if (all[0].lost)
    findings.push({
      severity: 'info',
      title: `${all[0].lost} of ${all[0].sent} QoS 0 deliveries lost (at most once: expected while subscribers were cut off)`,
    });
  const persistent = {
    subscribers_on_node: cut.length,
    resumed_with_session: resumed,
    sessions_survive: d.capabilities.sessionsSurviveNodeLoss,
    lost_while_cut_off: { qos1: offline[1].lost, qos2: offline[2].lost },
    lost_online: { qos1: stayed[1].lost, qos2: stayed[2].lost },
  };
  return { findings, problems, persistent };
}

/** Connects through the balancer (varying the source address) until the client is not on `avoid`. */
export async function connectOffNode(
  d: Deployment,
  pool: ClientPool,
  prefix: string,
  avoid: NodeName,
  firstAddress: number,
): Promise<MqttClient> {
  for (let i = 0; i < 24; i++) {
    const p = await connectPlaced(d, pool, { clientId: `${prefix}-${i}`, localAddress: `127.0.2.${firstAddress + i}` });
    if (p.node !== avoid) return p.client;
    await endClient(p.client);
  }
  throw new Error(`no connection through the balancer landed off ${avoid} in 24 attempts`);
}

/** `n` new connections from distinct source addresses; the node each landed on (then closed). */
export async function freshConnections(
  d: Deployment,
  pool: ClientPool,
  prefix: string,
  n: number,
  firstAddress: number,
): Promise<NodeName[]> {
  const placed = [];
  for (let i = 0; i < n; i++)
    placed.push(
      await connectPlaced(d, pool, { clientId: `${prefix}-${i}`, localAddress: `127.0.2.${firstAddress + i}` }),
    );
  await Promise.all(placed.map((p) => endClient(p.client)));
  return placed.map((p) => p.node);
}

/** Wills on a graceful stop, as each backend documents them. */
export function willsExpectedOnStop(d: Deployment): 'all' | 'unknown' {
  return d.capabilities.willsOnGracefulStop ? 'all' : 'unknown';
}
