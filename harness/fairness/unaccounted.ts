/**
 * Clients the rebalance scenario opened that no node lists when a placement is taken: what each one's own state says
 * (still connected to the balancer, reconnecting, closed), and the finding that explains it from the config's facts.
 */
import type { MqttClient } from 'mqtt';
import { passiveOnly, type BackendFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import type { BalancerRemedies } from '../balancer/remedies.js';

/** When the placement was taken. */
export type PlacementPhase = 'before the kill' | 'after the kill' | 'after the recovery';

export interface UnaccountedClients {
  phase: PlacementPhase;
  /** Clients the placement was waited for. */
  expected: number;
  /** Ids no node listed, by what the client itself reports. */
  connected: string[];
  reconnecting: string[];
  closed: string[];
  waitedMs: number;
  /** Of the unaccounted ids: how many were on the killed node when it was killed. */
  onVictim: number;
}

/** Sorts the ids no node listed by the client's own state (mqtt.js `connected` / `reconnecting`). */
export function classifyUnaccounted(
  phase: PlacementPhase,
  expected: number,
  missing: readonly string[],
  clients: ReadonlyMap<string, MqttClient>,
  waitedMs: number,
  victimClients: ReadonlySet<string> = new Set(),
): UnaccountedClients {
  const out: UnaccountedClients = {
    phase,
    expected,
    connected: [],
    reconnecting: [],
    closed: [],
    waitedMs,
    onVictim: 0,
  };
  for (const id of missing) {
    const c = clients.get(id);
    if (c?.connected) out.connected.push(id);
    else if (c?.reconnecting) out.reconnecting.push(id);
    else out.closed.push(id);
    if (victimClients.has(id)) out.onVictim++;
  }
  return out;
}

export const unaccountedCount = (u: UnaccountedClients): number =>
  u.connected.length + u.reconnecting.length + u.closed.length;

const at = (line?: number): string => (line ? ` (line ${line})` : ' (default)');
const seconds = (ms: number): string =>
  `${ms % 60_000 === 0 && ms >= 120_000 ? `${ms / 60_000} min` : `${ms / 1000} s`}`;
const examples = (ids: readonly string[]): string => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', …' : '');

/** Why a client the balancer still holds is served by no node: the config's failure detection and idle limit. */
function heldWhy(backend: BackendFacts, victim: string): string {
  const server = backend.servers.find((s) => s.node === victim) ?? backend.servers[0];
  const idle = backend.timeouts.effectiveIdleMs;
  const detection =
    passiveOnly(backend) && server
      ? `Every server of \`${backend.name}\` is judged by passive failure counting only (${server.check.kind.source ?? 'no active check'}): nothing probes ${victim}, a failed server is only skipped for *new* connects, and the balancer never closes the connections it already holds to it.`
      : `The balancer's check of ${victim}${server ? ` (${server.check.kind.value}${at(server.check.kind.line)})` : ''} marks it down, but a connection it already holds is only closed when the balancer is told to (e.g. shutdown-sessions) or its peer resets it.`;
  const closes = idle
    ? `The balancer's idle limit, ${seconds(idle.value)}${idle.line ? ` (line ${idle.line})` : ' (its default)'}, only ends such a connection once neither side sends anything — the client's own PINGREQs keep it alive`
    : 'The balancer has no idle limit that ends such a connection';
  return (
    `A client that reports itself connected while no node lists it is held by the balancer on a connection whose node is gone: a killed container (SIGKILL: its network namespace is removed with it) or a crashed host may send no FIN or RST, so the balancer's upstream side stays open and the client is not told. ${detection} ` +
    `${closes}; the client notices on its own only after about 1.5 × its MQTT keepalive (60 s by default) without a PINGRESP. The next segment the balancer forwards after ${victim} restarts on the same address is answered with a RST, which ends it.`
  );
}

/**
 * The finding for clients no node listed: which ones, in what state, why (the config's lines), and the remedy. A
 * warning: the spread is judged on the clients that are accounted for; the ones held on a dead path are a failover
 * cost the failover suite measures, not a property of where the balancer sends new connections.
 */
export function unaccountedFinding(
  u: UnaccountedClients,
  backend: BackendFacts,
  file: string,
  victim: string,
  remedies: Pick<BalancerRemedies, 'shutdownSessions'>,
): Finding {
  const n = unaccountedCount(u);
  const parts = [
    u.connected.length ? `${u.connected.length} still connected to the balancer (${examples(u.connected)})` : '',
    u.reconnecting.length ? `${u.reconnecting.length} reconnecting (${examples(u.reconnecting)})` : '',
    u.closed.length ? `${u.closed.length} closed and not reconnecting (${examples(u.closed)})` : '',
  ].filter(Boolean);
  const why = [
    u.connected.length ? heldWhy(backend, victim) : '',
    u.reconnecting.length
      ? `Reconnecting clients were cut and have not reached a node again within ${seconds(u.waitedMs)}: their connects go to a server that does not answer (the balancer still tries ${victim}, or waits its connect timeout).`
      : '',
    u.closed.length
      ? 'Closed clients were connected once (CONNACK) and lost their connection afterwards; they do not reconnect (the scenario opens its new clients without automatic reconnect), so they are missing from the spread.'
      : '',
  ].filter(Boolean);
  const line =
    u.connected.length && passiveOnly(backend)
      ? (backend.servers.find((s) => s.node === victim)?.line ?? backend.timeouts.effectiveIdleMs?.line)
      : backend.timeouts.effectiveIdleMs?.line;
  return {
    severity: 'warning',
    title: `${n} of ${u.expected} clients were listed by no node ${seconds(u.waitedMs)} ${u.phase === 'after the recovery' ? `after ${victim} was back` : u.phase === 'after the kill' ? `after ${victim} was killed` : 'after they connected'}: ${parts.join(', ')}${u.onVictim ? `; ${u.onVictim} of them had been on ${victim}` : ''}`,
    detail: `${why.join(' ')} The spread is judged on the ${u.expected - n} clients the nodes list.`,
    file,
    line,
    remedy: `${remedies.shutdownSessions}; on the clients, an MQTT keepalive of 30–60 s so a dead path is noticed within 1.5 × keepalive, with reconnect backoff and jitter.`,
  };
}
