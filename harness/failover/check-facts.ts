/**
 * What a server's health-check config implies for failover, in config terms: the worst-case time until
 * the balancer marks a crashed or hung node DOWN (with the formula and the line), and the findings that
 * explain a slow or missing detection with the remedy. Balancer-neutral: only BalancerFacts.
 */
import { passiveOnly, type BalancerFacts, type HealthCheckFacts, type Located, type ServerFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { remediesOf } from '../balancer/kinds.js';

export type FaultMode = 'crash' | 'hang';

export interface DetectionBound {
  /** Worst-case ms from the fault until the server is marked DOWN; Infinity = never. */
  worstMs: number;
  /** How it follows from the config, e.g. "inter 1 s (line 24) × fall 2 (line 24) + check timeout 2 s (line 17) = 4 s". */
  formula: string;
  /** The line to point at (the check, or the parameter that makes it slow). */
  line?: number;
  source?: string;
  /** Passive counting: no DOWN state to observe (crash: per connect attempt, worstMs 0; hang: never). */
  passive?: true;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function param(name: string, v: Located<number>, show: (n: number) => string): string {
  return `${name} ${show(v.value)} (${v.line ? `line ${v.line}` : 'default'})`;
}

/**
 * The time one failing check waits for its answer: the check timeout, else (HAProxy) `inter`, which then bounds the
 * whole check (connect + read). With HAProxy's `timeout check` set it is a read timeout only, counted from the
 * connection's establishment, whose connect has its own bound min(`timeout connect`, inter) (HAProxy 2.6
 * configuration.txt, "timeout check"): a check that connects at once (a hung node) fails after it, one whose SYN
 * goes unanswered (a partition) after the connect bound.
 */
export function checkTimeout(check: HealthCheckFacts): Located<number> {
  return check.timeoutMs ?? { value: check.interMs.value };
}

/** One-line description of a server's health check, e.g. "plain TCP connect check (`check`, line 6)". */
export function describeCheck(server: ServerFacts): string {
  const c = server.check;
  const at = c.kind.line ? `line ${c.kind.line}` : `server line ${server.line}`;
  switch (c.kind.value) {
    case 'none':
      return `no health check on server ${server.name} (line ${server.line})`;
    case 'tcp':
      return `plain TCP connect check (\`${c.kind.source ?? 'check'}\`, ${at}): it only proves the kernel accepts connections`;
    case 'http':
      return `HTTP check${c.http?.path ? ` on ${c.http.path}` : ''}${c.http?.expect ? ` expecting ${c.http.expect}` : ' (status only, body not matched)'} (${at})`;
    case 'mqtt':
      return `MQTT-level check: CONNECT, expect CONNACK (${at})`;
    case 'passive':
      return `no active health check, passive failure counting only: ${c.kind.source ?? `server ${server.name} ${param('max_fails', c.fall, String)}, ${param('fail_timeout', c.interMs, seconds)}`} (line ${server.line})`;
  }
}

/** Every server of the MQTT backend is judged by passive failure counting (no probe, so no DOWN/UP state to watch). */
export function isPassive(facts: BalancerFacts | undefined): boolean {
  return !!facts && passiveOnly(facts.mqttBackend);
}

export function detectionBound(check: HealthCheckFacts, mode: FaultMode): DetectionBound {
  const kind = check.kind;
  if (kind.value === 'none')
    return {
      worstMs: Infinity,
      formula: 'no health check: the balancer never marks the server DOWN',
      line: kind.line,
      source: kind.source,
    };
  if (kind.value === 'passive') return passiveBound(check, mode);
  if (mode === 'hang' && kind.value === 'tcp') {
    return {
      worstMs: Infinity,
      formula:
        'a TCP connect check passes for a hung node (its kernel still completes the handshake), so it is never marked DOWN',
      line: kind.line,
      source: kind.source,
    };
  }
  const inter = check.interMs;
  const fall = check.fall;
  const timeout = checkTimeout(check);
  const timeoutText = check.timeoutMs
    ? param('check timeout', timeout, seconds)
    : `check timeout = inter ${seconds(inter.value)} (no \`timeout check\`)`;
  const slowest = [inter, fall, check.timeoutMs].filter((x): x is Located<number> => !!x?.line);
  const pointAt = slowest.find((x) => x === inter) ?? slowest[0] ?? { line: kind.line, source: kind.source };
  if (mode === 'crash') {
    const worstMs = inter.value * fall.value + timeout.value;
    return {
      worstMs,
      formula: `${param('inter', inter, seconds)} × ${param('fall', fall, String)} + ${timeoutText} = ${seconds(worstMs)}`,
      line: pointAt.line,
      source: pointAt.source,
    };
  }
  const worstMs = fall.value * (inter.value + timeout.value);
  return {
    worstMs,
    formula: `${param('fall', fall, String)} × (${param('inter', inter, seconds)} + ${timeoutText}) = ${seconds(worstMs)} (each failing check waits for its timeout)`,
    line: pointAt.line,
    source: pointAt.source,
  };
}

/**
 * Passive counting: a killed node refuses each connect at once, and the balancer passes that client on to the next
 * server (no client waits for a detection; the node is skipped after `fall` = max_fails refusals within fail_timeout).
 * A hung node still completes TCP handshakes (its kernel's backlog), so no connect fails: it is never skipped.
 */
function passiveBound(check: HealthCheckFacts, mode: FaultMode): DetectionBound {
  const at = { line: check.kind.line, source: check.kind.source, passive: true as const };
  const counting = `${param('max_fails', check.fall, String)} failed connects within ${param('fail_timeout', check.interMs, seconds)}`;
  if (mode === 'crash')
    return {
      worstMs: 0,
      formula: `passive checks only: detection is per connect attempt — a connect to the killed node is refused at once and the balancer tries the next server (NGINX \`proxy_next_upstream\`, on by default for connect errors); after ${counting} it skips the node for fail_timeout`,
      ...at,
    };
  const connect = check.timeoutMs;
  return {
    worstMs: Infinity,
    formula: `passive checks only: a hung node's kernel still completes TCP handshakes into its backlog, so no connect fails and ${counting} never count it — the balancer keeps sending new clients there, and they wait for a CONNACK until their own connect timeout${connect ? ` (the balancer's connect timeout ${connect.source ? `\`${connect.source}\` ` : ''}${seconds(connect.value)}${connect.line ? `, line ${connect.line}` : ', default'}, fires only once the backlog is full)` : ''}`,
    ...at,
  };
}

/** Time the balancer needs to put a returned node back: rise × inter (plus one interval of phase). */
export function riseBound(check: HealthCheckFacts): { worstMs: number; formula: string } {
  if (check.kind.value === 'none')
    return { worstMs: 0, formula: 'no health check: the server is never out of rotation' };
  if (check.kind.value === 'passive')
    return {
      worstMs: check.interMs.value,
      formula: `passive checks only: a skipped server is tried again after ${param('fail_timeout', check.interMs, seconds)}`,
    };
  const worstMs = (check.rise.value + 1) * check.interMs.value;
  return {
    worstMs,
    formula: `(${param('rise', check.rise, String)} + 1) × ${param('inter', check.interMs, seconds)} = ${seconds(worstMs)}`,
  };
}

function appCheckRemedy(facts: BalancerFacts): string {
  return remediesOf(facts.kind).appCheck;
}

function fasterRemedy(facts: BalancerFacts, mode: FaultMode): string {
  const example = `worst case ${mode === 'crash' ? '1 s × 2 + 2 s = 4 s' : '2 × (1 s + 2 s) = 6 s'}`;
  return remediesOf(facts.kind).fasterDetection(example);
}

/** Why detection failed or was too slow, in config terms (severity error). */
export function detectionFinding(
  facts: BalancerFacts,
  server: ServerFacts,
  mode: FaultMode,
  measuredMs: number | null,
  thresholdMs: number,
  verb: string,
): Finding {
  const bound = detectionBound(server.check, mode);
  const observed =
    measuredMs === null
      ? `the balancer did not mark ${server.node} DOWN after the ${verb}`
      : `${server.node} was marked DOWN ${seconds(measuredMs)} after the ${verb}`;
  const over =
    Number.isFinite(bound.worstMs) && bound.worstMs > thresholdMs
      ? `, above the ${seconds(thresholdMs)} threshold`
      : '';
  const kind = server.check.kind.value;
  const remedy =
    kind === 'none' || kind === 'passive' || (mode === 'hang' && kind === 'tcp')
      ? appCheckRemedy(facts)
      : fasterRemedy(facts, mode);
  return {
    severity: 'error',
    title: `${observed} (threshold ${seconds(thresholdMs)})`,
    detail: `${describeCheck(server)}. ${Number.isFinite(bound.worstMs) ? `Worst case ${bound.formula}` : bound.formula}${over}.`,
    file: facts.file,
    line: bound.line ?? server.line,
    remedy,
  };
}

/** Fails a run that was quick only by timing luck: the config's worst case exceeds the threshold. */
export function worstCaseFinding(
  facts: BalancerFacts,
  server: ServerFacts,
  mode: FaultMode,
  thresholdMs: number,
): Finding | undefined {
  const bound = detectionBound(server.check, mode);
  if (!(bound.worstMs > thresholdMs)) return undefined;
  return {
    severity: 'error',
    title: `worst-case detection ${Number.isFinite(bound.worstMs) ? seconds(bound.worstMs) : 'never'} exceeds the ${seconds(thresholdMs)} threshold (this run was within it by timing luck)`,
    detail: `${describeCheck(server)}. ${bound.formula}.`,
    file: facts.file,
    line: bound.line ?? server.line,
    remedy: fasterRemedy(facts, mode),
  };
}

/** Clients of a node marked DOWN stay on it unless the balancer closes its sessions. */
export function shutdownSessionsFinding(
  facts: BalancerFacts,
  server: ServerFacts,
  stuckMs: number | undefined,
): Finding | undefined {
  const kind = server.check.kind.value;
  if (server.check.shutdownSessionsOnDown.value || kind === 'none' || kind === 'passive') return undefined;
  return {
    severity: 'warning',
    title: `established connections stayed on ${server.node} after it was marked DOWN${stuckMs === undefined ? '' : ` (clients stuck up to ${seconds(stuckMs)}, until their keepalive expired)`}`,
    detail: `server ${server.name} (line ${server.line}) has no on-marked-down shutdown-sessions: the balancer only stops sending new connections to it.`,
    file: facts.file,
    line: server.line,
    remedy: remediesOf(facts.kind).shutdownSessions,
  };
}

export function serverOf(facts: BalancerFacts, node: string): ServerFacts {
  const s = facts.mqttBackend.servers.find((x) => x.node === node);
  if (!s) throw new Error(`no server of backend ${facts.mqttBackend.name} maps to ${node}`);
  return s;
}
