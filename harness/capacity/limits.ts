/**
 * The limits a capacity ramp can run into, from the balancer's static facts (per-server, frontend and global
 * `maxconn`, `rate-limit sessions`, with their lines), the machine fit (the balancer process's open-files limit and
 * the lines the harness scaled to it, harness/balancer/haproxy/fit-machine.ts), the engine process's own limits and
 * the ephemeral port range — each with what it admits, its line or source, and the remedy. No balancer-kind checks.
 */
import type { BalancerFacts, Located } from '../facts.js';
import type { MachineFit } from '../types.js';
import type { ProcessLimits } from '../load/limits.js';
import { connectLimits } from '../balancer/saturation.js';

export type LimitKind =
  | 'server-maxconn'
  | 'frontend-maxconn'
  | 'global-maxconn'
  | 'balancer-open-files'
  | 'engine-open-files'
  | 'source-ports'
  | 'rate-limit-sessions'
  | 'broker';

export interface CapacityLimit {
  kind: LimitKind;
  /** In the config's (or the machine's) words: "maxconn 50 on each of 3 servers". */
  what: string;
  /** Concurrent connections it admits (connects per second for rate-limit-sessions). */
  slots: number;
  file?: string;
  line?: number;
  /** The config text or the machine source: "`server emqx_node_1 … maxconn 50`", "ulimit -Hn". */
  source: string;
  remedy: string;
  /** How the harness came to this value (a line scaled to the machine), when it did. */
  note?: string;
}

export interface LimitInputs {
  facts?: BalancerFacts;
  machineFit?: MachineFit;
  /** The engine (test) process's limits and its source-address pool size. */
  engine: ProcessLimits;
  /** Processes the clients ran in (load agents; 1 = the test process): each has its own open-files limit. */
  agents?: number;
  sourceAddresses: number;
  nodes: number;
}

/** Descriptors a proxy holds per proxied connection (client side + server side). */
const FDS_PER_PROXIED = 2;
/** Descriptors the test process keeps for itself (Jest, the harness's clients, logs). */
const ENGINE_RESERVE = 200;

function kindOf(what: string): LimitKind {
  if (what.startsWith('global')) return 'global-maxconn';
  if (what.startsWith('frontend')) return 'frontend-maxconn';
  return 'server-maxconn';
}

const REMEDY: Record<LimitKind, string> = {
  'server-maxconn':
    'Raise the per-server `maxconn` to what one node holds (EMQX: its `max_connections`), or add nodes; beyond it connects queue (`maxqueue`, `timeout queue`) and then fail.',
  'frontend-maxconn':
    'Raise the frontend `maxconn` (or the defaults one it inherits) to the expected client count; beyond it connects wait in the kernel backlog.',
  'global-maxconn':
    'Raise global `maxconn` to the expected client count (about 2 descriptors per connection must fit the open-files limit); beyond it connects wait in the kernel backlog.',
  'balancer-open-files':
    "Raise the balancer process's open-files hard limit (systemd LimitNOFILE, container --ulimit nofile, /etc/security/limits.conf) or spread clients over more balancer processes; each proxied connection takes 2 descriptors.",
  'engine-open-files':
    'The test process ran out of descriptors, not the balancer: run the load from more processes (load agents) or raise ulimit -n for the test.',
  'source-ports':
    'Spread clients over more source addresses (each has its own ephemeral range) or widen net.ipv4.ip_local_port_range.',
  broker:
    "Raise the broker's own limit (EMQX `max_connections` per listener or node, listener `max_conn_rate`) or add nodes.",
  'rate-limit-sessions':
    'Raise `rate-limit sessions` above the expected reconnect rate (after a node loss every client reconnects at once).',
};

function located(l: Located<number>): { line?: number; source: string } {
  return { ...(l.line !== undefined ? { line: l.line } : {}), source: l.source ? `\`${l.source}\`` : 'default' };
}

/** Every finite limit on concurrent connections, smallest first. */
export function capacityLimits(inp: LimitInputs): CapacityLimit[] {
  const out: CapacityLimit[] = [];
  const file = inp.facts?.file;
  const fit = inp.machineFit;
  if (inp.facts) {
    for (const l of connectLimits(inp.facts.mqttBackend)) {
      const kind = kindOf(l.what);
      const scaled = fit?.rewrites.find((r) => r.line === l.at.line && /maxconn/.test(r.original));
      out.push({
        kind: scaled ? 'balancer-open-files' : kind,
        what: scaled ? `${l.what} (as run; the open-files limit)` : l.what,
        slots: l.slots,
        ...(file ? { file } : {}),
        ...located(l.at),
        remedy: scaled ? REMEDY['balancer-open-files'] : REMEDY[kind],
        ...(scaled
          ? {
              note: `the harness scaled line ${scaled.line} \`${scaled.original}\` to \`${scaled.asRun}\` because the ${scaled.reason} (harness/balancer/haproxy/fit-machine.ts); in production the line as written applies`,
            }
          : {}),
      });
    }
  }
  if (fit)
    out.push({
      kind: 'balancer-open-files',
      what: `the balancer process's open-files limit ${fit.openFilesLimit} (${fit.where})`,
      slots: Math.floor(fit.openFilesLimit / FDS_PER_PROXIED),
      source: `open-files hard limit of the balancer process (ulimit -Hn = ${fit.openFilesLimit}; ${FDS_PER_PROXIED} descriptors per proxied connection)`,
      remedy: REMEDY['balancer-open-files'],
    });
  const soft = inp.engine.openFilesSoft;
  const agents = Math.max(1, inp.agents ?? 1);
  if (soft)
    out.push({
      kind: 'engine-open-files',
      what:
        agents > 1
          ? `the load agents' open-files limit ${soft} × ${agents} agents`
          : `the test process's open-files limit ${soft}`,
      slots: Math.max(1, soft - ENGINE_RESERVE) * agents,
      source:
        agents > 1
          ? `ulimit -n of each load agent (${soft}; one descriptor per client connection)`
          : `ulimit -n of the test process (${soft}; one descriptor per client connection)`,
      remedy: REMEDY['engine-open-files'],
    });
  const ports = inp.engine.ephemeralPorts;
  if (ports) {
    out.push({
      kind: 'source-ports',
      what: `client source ports: ${inp.sourceAddresses} source address(es) × ${ports} ephemeral ports`,
      slots: inp.sourceAddresses * ports,
      source: 'net.ipv4.ip_local_port_range',
      remedy: REMEDY['source-ports'],
    });
    out.push({
      kind: 'source-ports',
      what: `balancer → node source ports: ${inp.nodes} node(s) × ${ports} ephemeral ports`,
      slots: inp.nodes * ports,
      source: 'net.ipv4.ip_local_port_range (the balancer connects to each node from one address)',
      remedy: REMEDY['source-ports'],
    });
  }
  return out.sort((a, b) => a.slots - b.slots);
}

/** The configured new-session rate limit in front of the backend, when there is one. */
export function rateLimit(facts: BalancerFacts | undefined): CapacityLimit | undefined {
  const r = facts?.mqttBackend.limits?.rateLimitSessions;
  if (!r) return undefined;
  return {
    kind: 'rate-limit-sessions',
    what: `rate-limit sessions ${r.value}/s`,
    slots: r.value,
    ...(facts.file ? { file: facts.file } : {}),
    ...located(r),
    remedy: REMEDY['rate-limit-sessions'],
  };
}

/** How a queued connect ends (per-server `maxqueue`, `timeout queue`), for the finding's detail. */
export function queueBehaviour(facts: BalancerFacts | undefined): string {
  if (!facts) return '';
  const q = facts.mqttBackend.limits?.queueTimeoutMs;
  const maxqueue = facts.mqttBackend.servers.find((s) => s.maxqueue)?.maxqueue;
  const parts: string[] = [];
  if (q)
    parts.push(`queued connects wait up to ${q.value} ms (line ${q.line ?? '—'}: \`${q.source ?? 'timeout queue'}\`)`);
  if (maxqueue) parts.push(`at most ${maxqueue.value} wait per server (\`maxqueue\`, line ${maxqueue.line ?? '—'})`);
  return parts.join('; ');
}

/** Tolerance when matching an observed plateau to a limit's slots. */
function tolerance(slots: number): number {
  return Math.max(3, Math.ceil(slots * 0.03));
}

/**
 * The first limit reached by a ramp that held at most `plateau` concurrent connections: engine-side limits named by
 * the engine's error classes come first, then the smallest limit whose slots match the plateau. Undefined when the
 * ramp reached `target` or no known limit explains the plateau.
 */
export function firstLimitReached(
  limits: readonly CapacityLimit[],
  plateau: number,
  target: number,
  errorCounts: Partial<Record<string, number>>,
): CapacityLimit | undefined {
  if (errorCounts['EMFILE']) return limits.find((l) => l.kind === 'engine-open-files');
  if (errorCounts['EADDRNOTAVAIL']) return limits.find((l) => l.kind === 'source-ports');
  if (plateau >= target) return undefined;
  const matched = limits.find((l) => Math.abs(l.slots - plateau) <= tolerance(l.slots));
  if (matched || !errorCounts['connack-refused']) return matched;
  return {
    kind: 'broker',
    what: `the broker's own limit (${errorCounts['connack-refused']} CONNACKs refused)`,
    slots: plateau,
    source: "the broker's CONNACK return code (EMQX `max_connections`, listener `max_conn_rate`)",
    remedy: REMEDY.broker,
  };
}

/** The first limit ahead of a ramp that reached its target (headroom), when one is known. */
export function nextLimit(limits: readonly CapacityLimit[], reached: number): CapacityLimit | undefined {
  return limits.find((l) => l.slots > reached);
}

/** "line 8: `maxconn 4096`" or the machine source. */
export function whereOf(l: CapacityLimit): string {
  return l.line !== undefined ? `line ${l.line}: ${l.source}` : l.source;
}
