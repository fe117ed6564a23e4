/**
 * Findings of the affinity, stickiness, churn and rebalance scenarios.
 */
import { passiveOnly, type BackendFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { formatCounts } from './evaluate.js';
import type { Counts } from './stats.js';

const at = (line?: number): string => (line ? ` (line ${line})` : '');

/** Keys (sources or client ids) that did not return to the same node every time. */
export function affinityBroken(
  what: 'source address' | 'client id',
  broken: Array<[string, string[]]>,
  total: number,
  backend: BackendFacts,
  file: string,
): Finding {
  const examples = broken
    .slice(0, 3)
    .map(([k, nodes]) => `${k} → ${nodes.join(', ')}`)
    .join('; ');
  const stick = backend.clientIdStickiness;
  if (what === 'client id' && backend.algorithm.value === 'clientid')
    return clientIdHashBroken(broken, total, backend, file, examples);
  const factor = backend.hashBalanceFactor;
  if (what === 'source address' && factor)
    return {
      severity: 'info',
      title: `${broken.length} of ${total} source addresses moved between reconnects, as \`hash-balance-factor ${factor.value}\` allows`,
      detail: `Bounded-load consistent hashing${at(factor.line)} sends a connection to the next server when its own holds more than ${factor.value} % of the mean load, so affinity is kept for most sources, not all. Examples: ${examples}.`,
      file,
      line: factor.line,
    };
  const why =
    what === 'client id'
      ? `${stick?.source ? `\`${stick.source}\`` : 'The client-id stickiness'}${at(stick?.line)} only works when the balancer has read the CONNECT packet before choosing a server: HAProxy needs \`tcp-request inspect-delay\` and a content rule (\`tcp-request content accept if { req.payload(0,0),mqtt_is_valid }\`) in the frontend, or it decides before the CONNECT arrives and falls back to \`balance\` (racy); the stick-table must not expire between reconnects.`
      : `\`${backend.algorithm.source ?? 'balance source'}\`${at(backend.algorithm.line)} should map a source address to the same server while the set of UP servers is unchanged.`;
  return {
    severity: 'error',
    title: `${broken.length} of ${total} ${what}s did not return to the same node on every reconnect`,
    detail: `${why} Examples: ${examples}.`,
    file,
    line: what === 'client id' ? stick?.line : backend.algorithm.line,
    remedy:
      what === 'client id'
        ? 'Add `tcp-request inspect-delay 10s` and `tcp-request content accept if { req.payload(0,0),mqtt_is_valid }` to the MQTT frontend (HAProxy ≥ 2.4), keep `timeout client` above the inspect delay, and verify again — this feature is known to be flaky (haproxy/haproxy#2845).'
        : 'Check that no server changed state during the test, and that `hash-type` is not changed between reloads.',
  };
}

/** TS-proxy `balance: clientid`: consistent hashing with bounded loads moved some ids between servers. */
function clientIdHashBroken(
  broken: Array<[string, string[]]>,
  total: number,
  backend: BackendFacts,
  file: string,
  examples: string,
): Finding {
  return {
    severity: 'error',
    title: `${broken.length} of ${total} client ids did not return to the same node on every reconnect`,
    detail: `\`balance: clientid\`${at(backend.algorithm.line)} hashes the client id onto a ring with bounded loads: a server above \`balance_factor\` × its share of the load passes new clients to the next server, so under skewed load an id can move. Examples: ${examples}.`,
    file,
    line: backend.algorithm.line,
    remedy:
      'Raise `clientid.balance_factor` (1.5–2 keeps ids sticky at a bounded imbalance) and check that no server changed state during the test.',
  };
}

/** Distinct long client ids sharing a 32-character prefix all stuck to one node: the stick-table key is truncated. */
export function truncatedStickKeys(ids: number, node: string, backend: BackendFacts, file: string): Finding {
  const stick = backend.clientIdStickiness;
  return {
    severity: 'warning',
    title: `${ids} different client ids that share their first 32 characters all landed on ${node}`,
    detail: `The stick-table key is the client id cut to the table's \`len\` (32 in the EMQX guide's \`stick-table type string len 32\`): ids that differ only after that — like emqtt-bench's \`<host>_bench_pub_<n>\` — share one table entry and therefore one node${stick?.line ? ` (stick rule at line ${stick.line})` : ''}.`,
    file,
    line: stick?.line,
    remedy:
      'Use `stick-table type string len 64` (or more than your longest client id), or client ids that differ early.',
  };
}

export function churnReport(
  algorithm: string,
  counts: Counts,
  jain: number,
  samples: { min: number; median: number },
  asserted: boolean,
): Finding {
  return {
    severity: 'info',
    title: `${asserted ? '' : 'Report only: '}after churn the live spread is ${formatCounts(counts)} (Jain ${jain.toFixed(3)}; during churn min ${samples.min.toFixed(3)}, median ${samples.median.toFixed(3)})`,
    detail: asserted
      ? '`leastconn` sends each new connection to the server with the fewest live ones, so the live spread should stay balanced while clients come and go.'
      : `\`balance ${algorithm}\` does not look at live connections: with random lifetimes the live spread drifts by chance. Only \`leastconn\` is held to the threshold here.`,
  };
}

export interface RebalanceFacts {
  victim: string;
  afterFailover: Counts;
  final: Counts;
  jain: number;
  balancedAfterMs: number | null;
  observeMs: number;
  newClients: number;
}

/**
 * Passive checks only, and the recovered node got none of the new clients: the balancer still skips it for
 * `fail_timeout` after the connects that failed while it was down (the check facts' `interMs`, with its line).
 */
function passiveHoldOff(r: RebalanceFacts, backend: BackendFacts): string {
  const gotNew = (r.final[r.victim] ?? 0) - (r.afterFailover[r.victim] ?? 0);
  const server = backend.servers.find((s) => s.node === r.victim);
  if (!passiveOnly(backend) || !server || gotNew > 0 || r.newClients === 0) return '';
  const c = server.check;
  return ` None of the ${r.newClients} new clients went to ${r.victim}: with passive failure counting only (${c.kind.source ?? 'no active check'}), the connects that failed while it was down (${c.fall.value} within ${c.interMs.value / 1000} s) keep the server out of the choice for ${c.interMs.value / 1000} s${at(c.interMs.line)} after the last of them — the balancer does not see the node come back, it waits that long and tries it again.`;
}

/** The spread after a node recovered: the imbalance that remains, and the remedies. */
export function rebalanceReport(
  r: RebalanceFacts,
  backend: BackendFacts,
  file: string,
  jainMin: number,
  failBelow?: number,
): Finding {
  const algorithm = backend.algorithm.value.split(/\s+/)[0] ?? 'roundrobin';
  const written = `\`${backend.algorithm.source?.replace(/;$/, '') ?? `balance ${backend.algorithm.value}`}\``;
  const balanced = r.balancedAfterMs !== null;
  const failing = failBelow !== undefined && r.jain < failBelow;
  const title = balanced
    ? `Balanced again ${r.balancedAfterMs} ms after ${r.victim} was UP: ${formatCounts(r.final)} (Jain ${r.jain.toFixed(3)})`
    : `After ${r.victim} came back the spread stayed ${formatCounts(r.final)} (Jain ${r.jain.toFixed(3)} < ${jainMin}) for the whole ${(r.observeMs / 1000).toFixed(0)} s observation: existing MQTT connections never move back by themselves`;
  const stay = 'the clients that moved during the outage stay where they are until they reconnect.';
  const why =
    algorithm === 'leastconn'
      ? `${written}${at(backend.algorithm.line)} sends new connections to the emptiest server, so new clients refill the recovered node.`
      : algorithm === 'source'
        ? `${written}${at(backend.algorithm.line)} hashes each new client's address over the UP servers, so the recovered node only gets its share of *new* clients; ${stay}`
        : `${written}${at(backend.algorithm.line)} gives new connections to every UP server in turn, so the recovered node only gets its share of *new* clients; ${stay}`;
  return {
    severity: failing ? 'error' : balanced ? 'info' : 'warning',
    title,
    detail: `After the failover: ${formatCounts(r.afterFailover)}; then ${r.newClients} new clients connected. ${why}${passiveHoldOff(r, backend)}`,
    file,
    line: backend.algorithm.line,
    remedy: balanced
      ? undefined
      : 'Use `balance leastconn` so new connections fill the recovered node first; give clients reconnect jitter/backoff so a failover does not pile them onto the survivors in one burst; on EMQX use node rebalancing (`emqx_ctl rebalance start`, or evacuation before planned maintenance) to move connections actively.',
  };
}
