/**
 * Static keepalive check: the balancer's effective idle timeout on each path the clients use (HAProxy: `timeout
 * tunnel`, else the smaller of `timeout client` / `timeout server` — for WebSocket those of the `mode http`
 * frontend/backend; NGINX: stream `proxy_timeout`, http `proxy_read_timeout`; TS-proxy: its idle timeout) against the
 * clients' MQTT keepalive. Rule: timeout ≥ factor × keepalive, factor 1.5 by default — the broker itself waits
 * 1.5 × keepalive before it gives up on a silent client (MQTT-3.1.2-24), so the balancer should never
 * be the first to cut. EMQX's guide asks for > 1.2 × keepalive; `thresholds.keepalive.factor: 1.2`
 * applies that rule instead.
 */
import type { Located, TimeoutFacts } from '../facts.js';
import type { Finding } from '../report/summary-types.js';
import { pathWords, type IdlePath } from './idle-paths.js';

export const DEFAULT_FACTOR = 1.5;

export interface StaticCheck {
  ok: boolean;
  effectiveMs?: number;
  requiredMs: number;
  findings: Finding[];
}

const secs = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/** `timeout client 5s` (line 18); a default of a named directive: `proxy_read_timeout` 60 s (default, not set in …). */
function quote(l: Located<number>, t?: TimeoutFacts): string {
  if (l.line) return `${l.source ? `\`${l.source}\`` : secs(l.value)} (line ${l.line})`;
  const scope = t?.scope ? ` in ${t.scope.text}${t.scope.line ? `, line ${t.scope.line}` : ''}` : '';
  return l.source
    ? `\`${l.source}\` ${secs(l.value)} (default, not set${scope})`
    : `${secs(l.value)} (default${scope})`;
}

export function ruleText(factor: number): string {
  return factor === DEFAULT_FACTOR
    ? `Rule applied: idle timeout ≥ 1.5 × keepalive — the broker's own limit for a silent client (MQTT-3.1.2-24); EMQX's guide asks for > 1.2 ×`
    : `Rule applied: idle timeout ≥ ${factor} × keepalive (thresholds.keepalive.factor)${factor === 1.2 ? ", EMQX's guidance" : ''}`;
}

/** Which timeout governs an established connection, in words. */
function whyEffective(t: TimeoutFacts): string {
  if (t.rule) return t.rule;
  if (t.tunnelMs)
    return `${quote(t.tunnelMs)} supersedes \`timeout client\`/\`timeout server\` once the connection is established (TCP mode).`;
  const parts = [
    t.clientMs && `client side ${quote(t.clientMs)}`,
    t.serverMs && `server side ${quote(t.serverMs)}`,
  ].filter(Boolean);
  return `The balancer closes a connection after the idle time of either side: ${parts.join(', ')}; the smaller one governs.`;
}

/** `path`: how the findings name the path (e.g. "MQTT over WebSocket (ws), backend emqx_ws_back"); absent: unnamed. */
export function checkIdleTimeout(
  t: TimeoutFacts,
  keepaliveS: number,
  factor: number,
  file: string,
  path?: string,
): StaticCheck {
  const on = path ? `${path}: ` : '';
  const requiredMs = factor * keepaliveS * 1000;
  const eff = t.effectiveIdleMs;
  if (!eff) {
    return {
      ok: true,
      requiredMs,
      findings: [
        {
          severity: 'info',
          title: `${on}No idle timeout on established MQTT connections: the balancer never cuts an idle client`,
          detail: `No \`timeout tunnel\`, \`timeout client\` or \`timeout server\` applies. Connections of clients that vanished without a FIN are closed only when the broker's keepalive check (1.5 × ${keepaliveS} s) gives up on them. ${ruleText(factor)}.`,
          file,
        },
      ],
    };
  }
  const findings: Finding[] = [];
  const ok = eff.value >= requiredMs;
  if (ok) {
    findings.push({
      severity: 'info',
      title: `${on}Effective idle timeout ${secs(eff.value)} ≥ ${factor} × keepalive ${keepaliveS} s = ${secs(requiredMs)}`,
      detail: `${whyEffective(t)} ${ruleText(factor)}.`,
      file,
      line: eff.line ?? t.scope?.line,
    });
  } else {
    const certain = eff.value <= keepaliveS * 1000;
    findings.push({
      severity: 'error',
      title: `${on}${quote(eff, t)} is below ${factor} × the MQTT keepalive (${keepaliveS} s → ${secs(requiredMs)}): idle clients ${certain ? 'are cut before their first PINGREQ' : 'are cut whenever a PINGREQ is a little late'}`,
      detail: `${whyEffective(t)} An MQTT client with nothing to publish sends only a PINGREQ every ${keepaliveS} s (its keepalive), so the balancer sees ${certain ? `${keepaliveS} s of silence — longer than its ${secs(eff.value)} limit — and closes the connection: the client reconnects, and this repeats forever (the "drops every minute" symptom)` : `up to ${keepaliveS} s of silence plus network and timer jitter, with less margin than the broker itself allows`}. ${ruleText(factor)}.`,
      file,
      line: eff.line ?? t.scope?.line,
      remedy: `Raise ${t.fix ?? 'the idle timeout'} to at least ${secs(requiredMs)} (${t.fix ? '' : '`timeout client` and `timeout server` equal, or `timeout tunnel`; '}production configs commonly use 300 s or more), or lower the clients' keepalive below ${secs(eff.value / factor)}.`,
    });
  }
  if (!t.tunnelMs && t.clientMs && t.serverMs && t.clientMs.value !== t.serverMs.value) {
    findings.push({
      severity: 'info',
      title: `${on}\`timeout client\` (${secs(t.clientMs.value)}) and \`timeout server\` (${secs(t.serverMs.value)}) differ: the smaller one decides`,
      detail: 'For MQTT keep them equal (or use `timeout tunnel`), so the idle limit is obvious from the config.',
      file,
      line: (t.clientMs.value < t.serverMs.value ? t.clientMs : t.serverMs).line,
    });
  }
  return { ok, effectiveMs: eff.value, requiredMs, findings };
}

/** The check on every path the clients use (one per backend): ok when all are, findings named by path. */
export function checkIdlePaths(
  paths: readonly IdlePath[],
  keepaliveS: number,
  factor: number,
  file: string,
): StaticCheck {
  const seen = new Set<string>();
  const checks = paths
    .filter((p) => !seen.has(p.backend) && !!seen.add(p.backend))
    .map((p) => ({
      p,
      c: checkIdleTimeout(
        p.timeouts,
        keepaliveS,
        factor,
        file,
        paths.length > 1 || p.transport !== 'tcp' ? pathWords(p) : undefined,
      ),
    }));
  const effective = checks.map((x) => x.c.effectiveMs).filter((v): v is number => v !== undefined);
  return {
    ok: checks.every((x) => x.c.ok),
    effectiveMs: effective.length ? Math.min(...effective) : undefined,
    requiredMs: factor * keepaliveS * 1000,
    findings: checks.flatMap((x) => x.c.findings),
  };
}
