/**
 * BalancerFacts from a haproxy.cfg: each proxy inherits from the last `defaults` section above it;
 * server parameters override `default-server` lines (backend, then defaults). Defaults per the HAProxy
 * manual: balance roundrobin, inter 2000 ms, fall 3, rise 2, weight 1, timeouts infinite.
 */
import type { MappingEntry } from '../../types.js';
import type {
  BackendFacts,
  BalancerFacts,
  ConnectLimitFacts,
  FrontendFacts,
  HealthCheckFacts,
  Located,
  ServerFacts,
  TimeoutFacts,
} from '../../facts.js';
import { SERVICE_PORTS } from '../balancer.js';
import type { CfgLine, CfgSection, ParsedCfg } from './parse.js';

/** HAProxy time format: a number with an optional unit (us, ms, s, m, h, d); plain numbers are ms. */
export function parseHaproxyTime(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return n * factor;
}

function defaultsFor(cfg: ParsedCfg, section: CfgSection): CfgSection | undefined {
  return cfg.sections.filter((s) => s.kind === 'defaults' && s.line < section.line).at(-1);
}

/** The last line with this keyword prefix in the section, else in its defaults. */
function lookup(cfg: ParsedCfg, section: CfgSection, ...prefix: string[]): CfgLine | undefined {
  const match = (l: CfgLine): boolean => prefix.every((p, i) => l.tokens[i] === p);
  return section.lines.filter(match).at(-1) ?? defaultsFor(cfg, section)?.lines.filter(match).at(-1);
}

function located<T>(value: T, l?: CfgLine): Located<T> {
  return l ? { value, line: l.line, source: l.text.trim() } : { value };
}

/** Value of `name` in a server line's params, falling back to default-server lines. */
function serverParam(
  cfg: ParsedCfg,
  section: CfgSection,
  server: CfgLine,
  name: string,
): { value?: string; present: boolean; line?: CfgLine } {
  const candidates = [
    server,
    section.lines.filter((l) => l.tokens[0] === 'default-server').at(-1),
    defaultsFor(cfg, section)
      ?.lines.filter((l) => l.tokens[0] === 'default-server')
      .at(-1),
  ];
  for (const l of candidates) {
    if (!l) continue;
    const params = l.tokens.slice(l.tokens[0] === 'server' ? 3 : l.tokens[0] === 'server-template' ? 4 : 1);
    const idx = params.indexOf(name);
    if (idx >= 0) return { value: params[idx + 1], present: true, line: l };
  }
  return { present: false };
}

function timeoutOf(cfg: ParsedCfg, section: CfgSection, which: string): Located<number> | undefined {
  const l = lookup(cfg, section, 'timeout', which);
  const ms = l ? parseHaproxyTime(l.tokens[2] ?? '') : undefined;
  return ms === undefined ? undefined : located(ms, l);
}

function healthCheck(cfg: ParsedCfg, section: CfgSection, server: CfgLine): HealthCheckFacts {
  const num = (name: string, fallback: number, parse: (s: string) => number | undefined): Located<number> => {
    const p = serverParam(cfg, section, server, name);
    const v = p.value ? parse(p.value) : undefined;
    return v === undefined ? { value: fallback } : located(v, p.line);
  };
  const check = serverParam(cfg, section, server, 'check');
  const shutdown = serverParam(cfg, section, server, 'on-marked-down');
  const base = {
    interMs: num('inter', 2000, parseHaproxyTime),
    fall: num('fall', 3, Number),
    rise: num('rise', 2, Number),
    timeoutMs: timeoutOf(cfg, section, 'check'),
    shutdownSessionsOnDown:
      shutdown.present && shutdown.value === 'shutdown-sessions' ? located(true, shutdown.line) : { value: false },
  };
  if (!check.present) return { kind: located('none' as const, server), ...base };
  const httpchk = lookup(cfg, section, 'option', 'httpchk');
  if (httpchk) {
    const send = lookup(cfg, section, 'http-check', 'send');
    const uriIdx = send?.tokens.indexOf('uri') ?? -1;
    const path = uriIdx >= 0 ? send!.tokens[uriIdx + 1] : httpchk.tokens.slice(2).find((t) => t.startsWith('/'));
    const expect = lookup(cfg, section, 'http-check', 'expect');
    const port = serverParam(cfg, section, server, 'port').value;
    return {
      kind: located('http' as const, httpchk),
      http: { path: path ?? '/', port: port ? Number(port) : undefined, expect: expect?.tokens.slice(2).join(' ') },
      ...base,
    };
  }
  const tcpcheck = lookup(cfg, section, 'option', 'tcp-check');
  if (tcpcheck) {
    const sends = section.lines
      .concat(defaultsFor(cfg, section)?.lines ?? [])
      .filter(
        (l) => l.tokens[0] === 'tcp-check' && (l.tokens[1] === 'send-binary' || l.tokens[1] === 'send-binary-lf'),
      );
    const expects = section.lines
      .concat(defaultsFor(cfg, section)?.lines ?? [])
      .filter((l) => l.tokens[0] === 'tcp-check' && l.tokens[1] === 'expect');
    const mqttConnect = sends.some((l) => /^10/i.test(l.tokens[2] ?? ''));
    const expectsConnack = expects.some((l) => l.tokens.some((t) => /^20(02|03)/i.test(t)));
    if (mqttConnect && expectsConnack) return { kind: located('mqtt' as const, sends[0]), ...base };
    return { kind: located('tcp' as const, tcpcheck), ...base };
  }
  return { kind: located('tcp' as const, check.line), ...base };
}

function backendFacts(
  cfg: ParsedCfg,
  section: CfgSection,
  mapping: readonly MappingEntry[],
  frontend?: CfgSection,
): BackendFacts {
  const balance = lookup(cfg, section, 'balance');
  // a server-template line stands for the servers it generates (their names come from the mapping)
  const named = section.lines.flatMap((l) =>
    l.tokens[0] === 'server'
      ? [{ l, name: l.tokens[1] ?? '' }]
      : l.tokens[0] === 'server-template'
        ? mapping.filter((m) => m.backend === section.name && m.line === l.line).map((m) => ({ l, name: m.server }))
        : [],
  );
  const servers: ServerFacts[] = named.map(({ l, name }) => {
    const w = serverParam(cfg, section, l, 'weight');
    const backup = serverParam(cfg, section, l, 'backup');
    return {
      name,
      node: mapping.find((m) => m.backend === section.name && m.server === name)?.node ?? '',
      weight: w.value ? located(Number(w.value), w.line) : { value: 1 },
      line: l.line,
      check: healthCheck(cfg, section, l),
      backup: backup.present ? located(true, backup.line) : undefined,
      maxconn: positiveParam(cfg, section, l, 'maxconn'),
      maxqueue: positiveParam(cfg, section, l, 'maxqueue'),
      sendProxy: sendProxyOf(cfg, section, l),
    };
  });
  const stick = section.lines.find((l) => l.tokens[0] === 'stick' && l.text.includes('client_identifier'));
  const timeouts: TimeoutFacts = {
    clientMs: frontend ? timeoutOf(cfg, frontend, 'client') : timeoutOf(cfg, section, 'client'),
    serverMs: timeoutOf(cfg, section, 'server'),
    tunnelMs: timeoutOf(cfg, section, 'tunnel'),
  };
  timeouts.effectiveIdleMs =
    timeouts.tunnelMs ??
    [timeouts.clientMs, timeouts.serverMs]
      .filter((t): t is Located<number> => !!t)
      .sort((a, b) => a.value - b.value)[0];
  Object.assign(timeouts, httpTunnelWords(cfg, section, timeouts));
  return {
    name: section.name,
    algorithm: balance ? located(balance.tokens[1] ?? 'roundrobin', balance) : { value: 'roundrobin' },
    clientIdStickiness: stick ? located(true, stick) : undefined,
    servers,
    timeouts,
    limits: connectLimits(cfg, section, frontend),
    hashBalanceFactor: numberOf(lookup(cfg, section, 'hash-balance-factor'), 1),
  };
}

/**
 * A `mode http` backend (MQTT over WebSocket): after the 101 answer HAProxy tunnels the connection, and its idle limit
 * is `timeout tunnel`, else `timeout client`/`timeout server` — said with the lines, and what to add.
 */
function httpTunnelWords(cfg: ParsedCfg, section: CfgSection, t: TimeoutFacts): Partial<TimeoutFacts> {
  const mode = lookup(cfg, section, 'mode');
  const scope = { text: `${section.kind} ${section.name}`, line: section.line };
  if (mode?.tokens[1] !== 'http') return { scope };
  const where = `${scope.text} (line ${section.line})`;
  const at = (l?: Located<number>): string => (l?.line ? ` (line ${l.line})` : '');
  const upgrade = `\`mode http\` (line ${mode.line}): after the WebSocket upgrade (101 Switching Protocols) HAProxy tunnels the connection`;
  if (t.tunnelMs)
    return {
      scope,
      rule: `${upgrade}, and \`timeout tunnel\`${at(t.tunnelMs)} supersedes \`timeout client\`/\`timeout server\` there.`,
    };
  return {
    scope,
    rule: `${upgrade}; there is no \`timeout tunnel\` in ${where} or its defaults, so \`timeout client\`${at(t.clientMs)} and \`timeout server\`${at(t.serverMs)} stay the tunnel's idle limit — the smaller one governs.`,
    fix: `\`timeout tunnel\` (e.g. \`timeout tunnel 1h\`) in ${where}`,
  };
}

function positiveParam(
  cfg: ParsedCfg,
  section: CfgSection,
  server: CfgLine,
  name: string,
): Located<number> | undefined {
  const p = serverParam(cfg, section, server, name);
  const n = Number(p.value);
  return p.value !== undefined && Number.isFinite(n) && n > 0 ? located(n, p.line) : undefined;
}

function numberOf(l: CfgLine | undefined, at: number): Located<number> | undefined {
  const n = Number(l?.tokens[at]);
  return l && Number.isFinite(n) && n > 0 ? located(n, l) : undefined;
}

/** Global, frontend and rate limits in front of the backend's servers (as run: after any machine-fitting rewrite). */
function connectLimits(cfg: ParsedCfg, backend: CfgSection, frontend?: CfgSection): ConnectLimitFacts {
  const global = cfg.sections.find((s) => s.kind === 'global');
  const entry = frontend ?? backend;
  return {
    globalMaxconn: numberOf(global?.lines.filter((l) => l.tokens[0] === 'maxconn').at(-1), 1),
    frontendMaxconn: numberOf(lookup(cfg, entry, 'maxconn'), 1),
    rateLimitSessions: numberOf(lookup(cfg, entry, 'rate-limit', 'sessions'), 2),
    queueTimeoutMs: timeoutOf(cfg, backend, 'queue') ?? timeoutOf(cfg, backend, 'connect'),
  };
}

/** `send-proxy` / `send-proxy-v2` (and their `-ssl` variants) on the server line or a default-server line. */
function sendProxyOf(cfg: ParsedCfg, section: CfgSection, server: CfgLine): Located<'v1' | 'v2'> | undefined {
  for (const [param, version] of [
    ['send-proxy-v2', 'v2'],
    ['send-proxy-v2-ssl', 'v2'],
    ['send-proxy-v2-ssl-cn', 'v2'],
    ['send-proxy', 'v1'],
  ] as const) {
    const p = serverParam(cfg, section, server, param);
    if (p.present && !serverParam(cfg, section, server, `no-${param}`).present) return located(version, p.line);
  }
  return undefined;
}

/** Mode and binds of each frontend / listen section (HAProxy's default mode is tcp). */
function frontendFacts(cfg: ParsedCfg): FrontendFacts[] {
  return cfg.sections
    .filter((s) => s.kind === 'frontend' || s.kind === 'listen')
    .map((s) => {
      const mode = lookup(cfg, s, 'mode');
      return {
        name: s.name,
        line: s.line,
        mode: mode ? located(mode.tokens[1] ?? 'tcp', mode) : { value: 'tcp' },
        binds: s.lines
          .filter((l) => l.tokens[0] === 'bind')
          .map((l) => ({
            line: l.line,
            source: l.text.trim(),
            ssl: l.tokens.slice(2).includes('ssl'),
            acceptProxy: l.tokens.slice(2).includes('accept-proxy'),
          })),
        backend: s.kind === 'listen' ? s.name : lookup(cfg, s, 'default_backend')?.tokens[1],
      };
    });
}

export function haproxyFacts(cfg: ParsedCfg, mapping: readonly MappingEntry[]): BalancerFacts {
  const proxies = cfg.sections.filter((s) => s.kind === 'backend' || s.kind === 'listen');
  const frontendOf = (backend: string): CfgSection | undefined =>
    cfg.sections.find(
      (s) =>
        (s.kind === 'frontend' && s.lines.some((l) => l.tokens[0] === 'default_backend' && l.tokens[1] === backend)) ||
        (s.kind === 'listen' && s.name === backend),
    ) ??
    // a backend reached only through `use_backend` (e.g. a WebSocket path rule): that frontend's `timeout client`
    cfg.sections.find(
      (s) => s.kind === 'frontend' && s.lines.some((l) => l.tokens[0] === 'use_backend' && l.tokens[1] === backend),
    );
  const backends = proxies.map((s) => backendFacts(cfg, s, mapping, frontendOf(s.name)));
  const isMqtt = (b: BackendFacts): boolean =>
    mapping.some((m) => m.backend === b.name && m.mapped.endsWith(`:${SERVICE_PORTS.mqtt}`));
  const mqttBackend = backends.find(isMqtt) ?? backends[0];
  if (!mqttBackend) throw new Error(`${cfg.file}: no backend with servers`);
  return { kind: 'haproxy', file: cfg.file, mqttBackend, backends, frontends: frontendFacts(cfg) };
}
