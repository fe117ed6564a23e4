/**
 * Startup diagnostics: waits (bounded) for the balancer's first health checks, then turns every server
 * that is not UP into a finding naming the server, its config line and the balancer's check status; a
 * balancer whose MQTT backend has no UP server at all stops the run with the same detail.
 */
import type { BalancerServerState, BalancerView, MappingEntry } from '../types.js';
import type { Finding } from '../report/summary-types.js';
import type { BalancerFacts, ServerFacts } from '../facts.js';
import { delay } from '../util/wait.js';
import { SERVICE_PORTS } from './balancer.js';

/** Ports the harness nodes serve: a server elsewhere outside the MQTT backend is untestable here, not broken. */
const SERVED_PORTS: ReadonlySet<number> = new Set(Object.values(SERVICE_PORTS));

function mappedPort(mapped: string | undefined): number | undefined {
  const m = mapped ? /:(\d+)$/.exec(mapped) : null;
  return m ? Number(m[1]) : undefined;
}

/** Upper bound of the whole wait, whatever the check intervals say. */
export const MAX_STARTUP_WAIT_MS = 15_000;
const SLACK_MS = 2000;

/** What the balancer's check status codes mean (HAProxy's vocabulary; TS-proxy uses the same codes). */
const CHECK_MEANING: Record<string, string> = {
  L4CON: 'the TCP connection was refused or failed (nothing listens on that address and port)',
  L4TOUT: 'the TCP connection timed out',
  L6RSP: 'the TLS/layer-6 check got an invalid answer',
  L6TOUT: 'the TLS/layer-6 check timed out',
  L7STS: 'the HTTP check got a wrong status',
  L7RSP: 'the application check got an invalid answer',
  L7TOUT: 'the application check got no answer in time',
  SOCKERR: 'the check could not create a socket',
  INI: 'no check has completed yet',
};

export interface ServerHealth {
  state: BalancerServerState;
  /** The server's facts (config line, check settings), when the view's server is in the facts. */
  facts?: ServerFacts;
}

function factsOf(facts: BalancerFacts, s: BalancerServerState): ServerFacts | undefined {
  return facts.backends.find((b) => b.name === s.backend)?.servers.find((x) => x.name === s.name);
}

/** How long a server may take to report its first checks: inter × rise + check timeout + slack, capped. */
export function firstChecksBoundMs(server: ServerFacts | undefined): number {
  if (!server) return MAX_STARTUP_WAIT_MS;
  const c = server.check;
  // passive checks only (NGINX open source): no first check to wait for, whatever the view shows is final
  if (c.kind.value === 'passive') return SLACK_MS;
  const bound = c.interMs.value * Math.max(1, c.rise.value) + (c.timeoutMs?.value ?? c.interMs.value) + SLACK_MS;
  return Math.min(MAX_STARTUP_WAIT_MS, bound);
}

const isUp = (s: BalancerServerState): boolean => s.status === 'UP' || s.status === 'no' || s.status === 'DRAIN';
const pending = (s: BalancerServerState): boolean => /^INI\b/.test(s.checkStatus);
/** Put out of service in the config on purpose (`disabled`, `state: maint`): neither waited for nor reported. */
const intentional = (s: BalancerServerState): boolean => s.status === 'MAINT';

/**
 * Polls the view until every server has settled: UP after its first check, or DOWN with a connection
 * refused (certain), or DOWN/unchecked past its own bound (it had its `rise` chances). Never longer than
 * MAX_STARTUP_WAIT_MS; a view that does not answer by then is an error.
 */
export async function awaitFirstChecks(
  view: BalancerView,
  facts: BalancerFacts,
  maxMs = MAX_STARTUP_WAIT_MS,
): Promise<ServerHealth[]> {
  const started = Date.now();
  let last: ServerHealth[] | undefined;
  let lastError: unknown;
  for (;;) {
    const elapsed = Date.now() - started;
    try {
      last = (await view.servers()).map((state) => ({ state, facts: factsOf(facts, state) }));
      const settled = last.every(({ state, facts: f }) => {
        if (intentional(state)) return true;
        if (isUp(state)) return !pending(state);
        if (state.checkStatus === 'L4CON' || state.checkStatus === 'SOCKERR') return true;
        return elapsed >= Math.min(maxMs, firstChecksBoundMs(f));
      });
      if (settled) return last;
    } catch (err) {
      lastError = err;
    }
    if (elapsed >= maxMs) {
      if (last) return last;
      throw new Error(
        `the balancer's own view of its servers did not answer within ${maxMs} ms: ${(lastError as Error | undefined)?.message ?? 'no answer'}`,
      );
    }
    await delay(100);
  }
}

/** "L4CON (Connection refused)", "L7STS 404 (Not Found)", "INI (no check result yet)". */
export function checkStatusText(s: BalancerServerState): string {
  const code = s.checkCode ? ` ${s.checkCode}` : '';
  const detail = s.checkDetail ? ` (${s.checkDetail})` : pending(s) ? ' (no check result yet)' : '';
  return `${s.checkStatus || 'no check status'}${code}${detail}`;
}

function remedyFor(h: ServerHealth, address: string): string {
  const s = h.state;
  if (s.checkStatus === 'L4CON' || s.checkStatus === 'L4TOUT')
    return `check the address and port of server '${s.name}' (${address}): nothing answers there; in production this server would take no traffic`;
  if (s.checkStatus.startsWith('L7') && h.facts?.check.http)
    return `check the health check (GET ${h.facts.check.http.path ?? '/'}${h.facts.check.http.port ? ` on port ${h.facts.check.http.port}` : ''}): the node does not answer it as the config expects`;
  if (pending(s))
    return `the first health checks of '${s.name}' did not complete in time: check its \`inter\`/\`rise\` and check timeout, and the address`;
  return `make server '${s.name}' (${address}) pass its health check, or remove it from the backend`;
}

/** One error finding per server the balancer does not report UP after its first checks. */
export function startupFindings(
  health: ServerHealth[],
  facts: BalancerFacts,
  mapping: readonly MappingEntry[],
): Finding[] {
  return health
    .filter((h) => !intentional(h.state) && (!isUp(h.state) || pending(h.state)))
    .map((h) => {
      const s = h.state;
      const entry = mapping.find((m) => m.backend === s.backend && m.server === s.name);
      const address = entry?.original ?? `${s.backend}/${s.name}`;
      const meaning = CHECK_MEANING[s.checkStatus] ?? 'the health check failed';
      const port = mappedPort(entry?.mapped);
      if (s.backend !== facts.mqttBackend.name && port !== undefined && !SERVED_PORTS.has(port)) {
        return {
          severity: 'warning' as const,
          title: `backend ${s.backend} is not tested: the harness nodes serve nothing on port ${port} (server ${s.name} is ${s.status}: ${checkStatusText(s)})`,
          detail: `The nodes serve MQTT on ${SERVICE_PORTS.mqtt}, MQTT/TLS on ${SERVICE_PORTS.mqtts}, MQTT over WebSocket on ${SERVICE_PORTS.ws} (${SERVICE_PORTS.wss} with TLS) and their HTTP API on ${SERVICE_PORTS.http}; ${address} points at port ${port}, which no suite uses.`,
          file: facts.file,
          line: h.facts?.line,
        };
      }
      return {
        severity: 'error' as const,
        title: pending(s)
          ? `server ${s.name} (backend ${s.backend}) has no health check result within the startup wait: ${checkStatusText(s)}`
          : `server ${s.name} (backend ${s.backend}) is ${s.status} after its first health checks: ${checkStatusText(s)}`,
        detail: `the balancer reports ${checkStatusText(s)} for ${address}${s.node ? ` (mapped to ${s.node})` : ''}: ${meaning}. The suites run with the servers that are UP, as production would.`,
        file: facts.file,
        line: h.facts?.line,
        remedy: remedyFor(h, address),
      };
    });
}

/** The balancer's MQTT backend has no UP server: nothing can run. */
export class NoServerUpError extends Error {
  constructor(
    readonly findings: Finding[],
    /** How long the first health checks were waited for (a refused connection ends the wait early). */
    readonly waitedMs?: number,
  ) {
    super(
      `the balancer reports no UP server in its MQTT backend after the first health checks${waitedMs === undefined ? '' : ` (waited ${(waitedMs / 1000).toFixed(1)} s of at most ${MAX_STARTUP_WAIT_MS / 1000} s)`}:\n${findings
        .map((f) => `  ${f.file ?? ''}${f.line ? `:${f.line}` : ''}: ${f.title}\n    fix: ${f.remedy ?? ''}`)
        .join('\n')}`,
    );
    this.name = 'NoServerUpError';
  }
}

/** Throws NoServerUpError when no server of the MQTT backend is UP. */
export function requireAnUpServer(
  health: ServerHealth[],
  facts: BalancerFacts,
  mapping: readonly MappingEntry[],
  waitedMs?: number,
): void {
  const mqtt = health.filter((h) => h.state.backend === facts.mqttBackend.name && !intentional(h.state));
  if (mqtt.length === 0 || mqtt.some((h) => isUp(h.state))) return;
  throw new NoServerUpError(startupFindings(mqtt, facts, mapping), waitedMs);
}
