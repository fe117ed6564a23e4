/**
 * Fairness findings: what was observed, why in config terms (the line), and the remedy.
 */
import type { BackendFacts, BalancerFacts } from '../facts.js';
import { saturationFinding } from '../balancer/saturation.js';
import type { Finding } from '../report/summary-types.js';
import { formatShares, type ExpectedShares } from './expected.js';
import { formatCounts, type Evaluation } from './evaluate.js';
import type { Counts, Shares } from './stats.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** The config's weights give shares other than the ones the profile says are intended. */
export function weightsContradictIntent(file: string, exp: ExpectedShares, intended: Shares): Finding {
  const worst = Object.keys(intended).sort(
    (a, b) => Math.abs((exp.shares[b] ?? 0) - intended[b]!) - Math.abs((exp.shares[a] ?? 0) - intended[a]!),
  )[0]!;
  const w = exp.weightLines.find((x) => x.node === worst);
  return {
    severity: 'error',
    title: `The config's weights do not give the intended spread: ${worst} is due ${pct(exp.shares[worst] ?? 0)} of the connections, not ${pct(intended[worst]!)}`,
    detail: `${w?.source ? `\`${w.source}\`` : `server ${w?.server ?? worst}`}${w?.line ? ` (line ${w.line})` : ''}. Derived from ${exp.basis}: ${formatShares(exp.shares)}; the profile intends ${formatShares(intended)}.`,
    file,
    line: w?.line,
    remedy:
      'Give the servers the weights you intend (equal weights, or no `weight` at all, for an even spread) — or, if the skew is deliberate, say so in the profile (`thresholds.fairness.intended_shares`).',
  };
}

/** `balance source` with every client behind one address: all on one node (the NAT surprise). */
export function singleSourceAddress(
  file: string,
  backend: BackendFacts,
  source: string,
  counts: Counts,
  noun = 'clients',
): Finding {
  const busy = Object.entries(counts)
    .filter(([, c]) => c > 0)
    .map(([n]) => n);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const line = backend.algorithm.line;
  return {
    severity: 'error',
    title: `All ${total} ${noun} came from ${source.includes(' ') ? source : `one source address (${source})`}, and \`balance source\` sent every one of them to ${busy.join(', ') || 'the same node'}: the other nodes got none`,
    detail: `\`${backend.algorithm.source ?? 'balance source'}\`${line ? ` (line ${line})` : ''} picks the node from a hash of the client's IP address only. Behind a NAT gateway, a carrier-grade NAT, a corporate proxy or a Kubernetes SNAT, thousands of devices share one address, so they all land on one node while the others idle — and when that node fails they all move together. Counts: ${formatCounts(counts)}.`,
    file,
    line,
    remedy:
      'Use `balance leastconn` (or roundrobin) for MQTT; if you need a client to return to the same node, stick on the MQTT client id (`stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)` with `tcp-request inspect-delay`, or TS-proxy `balance: clientid`) instead of the address; or make the real client addresses visible (PROXY protocol from the NAT/load balancer in front).',
  };
}

/** The observed counts do not fit the expected shares. */
export function distributionMiss(
  file: string,
  backend: BackendFacts,
  ev: Evaluation,
  exp: ExpectedShares,
  expectedLabel = 'the expected shares',
): Finding {
  const line = backend.algorithm.line;
  return {
    severity: 'error',
    title: `${ev.metrics.clients} clients spread ${formatCounts(ev.metrics.counts)}, which does not fit ${expectedLabel}: ${ev.misses.join('; ')}`,
    detail: `Expected shares derived from ${exp.basis}.`,
    file,
    line,
    remedy:
      'Check the weights and that every server is UP; for long-lived MQTT connections prefer `balance leastconn`, which fills the emptiest node.',
  };
}

/** Nodes' own counters or the balancer's counters disagree with the per-client placement. */
export function counterDisagreement(counts: Counts, live: Counts, balancer: Counts | undefined): Finding {
  return {
    severity: 'warning',
    title: 'The counters disagree with the per-client placement',
    detail: `node API per-client \`node\`: ${formatCounts(counts)}; nodes' \`live_connections\`: ${formatCounts(live)}${balancer ? `; balancer current connections: ${formatCounts(balancer)}` : ''}. Other clients (e.g. MQTT health checks) or slow counter updates can explain a small difference.`,
  };
}

export function notModelled(backend: BackendFacts): Finding {
  return {
    severity: 'info',
    title: `No share model for \`balance ${backend.algorithm.value}\`: metrics are shown against the weights, report only`,
    line: backend.algorithm.line,
  };
}

/** A scenario over too few clients: no statistic is a result, report-only or not. */
export function noVerdict(ev: { noData?: string }): Finding[] {
  return ev.noData
    ? [
        {
          severity: 'error',
          title: ev.noData,
          detail: 'Too few clients connected for any spread statistic to mean something.',
        },
      ]
    : [];
}

/**
 * Connect failures, explained by the config's limits when one is below the clients opened (server/frontend/global
 * `maxconn`, `rate-limit sessions`: see balancer/saturation.ts).
 */
export function connectFailureFindings(
  failures: ReadonlyArray<{ clientId: string; error: string }>,
  attempted: number,
  facts: BalancerFacts,
): Finding[] {
  if (failures.length === 0) return [];
  const saturation = saturationFinding(facts.mqttBackend, facts.file, attempted, attempted - failures.length);
  return saturation ? [saturation, connectFailures(failures, attempted)] : [connectFailures(failures, attempted)];
}

export function connectFailures(
  failures: ReadonlyArray<{ clientId: string; error: string }>,
  attempted: number,
): Finding {
  return {
    severity: 'error',
    title: `${failures.length} of ${attempted} clients could not connect through the balancer`,
    detail: failures
      .slice(0, 3)
      .map((f) => `${f.clientId}: ${f.error}`)
      .join('; '),
  };
}

/** The weights scenario's one-line summary: the config's weights against what was observed. */
export function weightsObserved(exp: ExpectedShares, counts: Counts): Finding {
  return {
    severity: 'info',
    title: `Weights ${Object.values(exp.weights).join(':')} → observed ${Object.values(counts).join(':')}`,
    detail: `Expected shares from ${exp.basis}.`,
  };
}

/** Source affinity held: how many sources returned to their node, and how the sources spread. */
export function affinityHeld(sources: number, broken: number, rounds: number, counts: Counts): Finding {
  return {
    severity: 'info',
    title:
      `${sources - broken} of ${sources} source addresses returned to the same node in all ${rounds} rounds; ` +
      `sources per node: ${Object.values(counts).join(' / ')}`,
  };
}

/** Client-id stickiness held for every id. */
export function stickinessHeld(ids: number, rounds: number): Finding {
  return {
    severity: 'info',
    title: `All ${ids} client ids returned to the same node in all ${rounds} rounds, each round from another source address`,
  };
}
