/** BalancerFacts from a TS-proxy config (values already in ms, defaults filled in by the proxy's schema). */
import type { ProxyConfig, BackendConfig, FrontendConfig } from '../../../proxy/config/index.js';
import type { MappingEntry } from '../../types.js';
import type { BackendFacts, BalancerFacts, HealthCheckFacts } from '../../facts.js';
import { SERVICE_PORTS } from '../balancer.js';

function health(b: BackendConfig): HealthCheckFacts {
  const h = b.health;
  const at = { line: b.line, source: `backends[${b.name}].health: ${JSON.stringify(h)}` };
  return {
    kind: { value: h.type, ...at },
    http:
      h.type === 'http' ? { path: h.path, port: h.port ?? undefined, expect: h.expect_body ?? undefined } : undefined,
    interMs: { value: h.inter, ...at },
    fall: { value: h.fall, ...at },
    rise: { value: h.rise, ...at },
    timeoutMs: { value: h.timeout, ...at },
    shutdownSessionsOnDown: {
      value: b.on_marked_down === 'shutdown-sessions',
      line: b.line,
      source: `on_marked_down: ${b.on_marked_down}`,
    },
  };
}

function backendFacts(
  b: BackendConfig,
  mapping: readonly MappingEntry[],
  frontend: FrontendConfig | undefined,
  global: ProxyConfig['global'],
): BackendFacts {
  const idle = frontend
    ? { value: frontend.timeouts.idle, line: frontend.line, source: `frontends[${frontend.name}].timeouts.idle` }
    : undefined;
  return {
    name: b.name,
    algorithm: { value: b.balance, line: b.line, source: `balance: ${b.balance}` },
    clientIdStickiness:
      b.balance === 'clientid' ? { value: true, line: b.line, source: 'balance: clientid' } : undefined,
    servers: b.servers.map((s) => ({
      name: s.name,
      node: mapping.find((m) => m.backend === b.name && m.server === s.name)?.node ?? '',
      weight: { value: s.weight, line: s.line },
      line: s.line,
      check: health(b),
      maxconn: s.maxconn ? { value: s.maxconn, line: s.line, source: `maxconn: ${s.maxconn}` } : undefined,
    })),
    timeouts: { clientMs: idle, serverMs: idle, effectiveIdleMs: idle && idle.value > 0 ? idle : undefined },
    limits: {
      globalMaxconn: { value: global.maxconn, source: `global.maxconn: ${global.maxconn}` },
      queueTimeoutMs: { value: b.timeouts.queue, line: b.line, source: `timeouts.queue: ${b.timeouts.queue}` },
    },
  };
}

export function tsProxyFacts(cfg: ProxyConfig, mapping: readonly MappingEntry[], file: string): BalancerFacts {
  const backends = cfg.backends.map((b) =>
    backendFacts(
      b,
      mapping,
      cfg.frontends.find((f) => f.backend === b.name && !f.tls) ?? cfg.frontends.find((f) => f.backend === b.name),
      cfg.global,
    ),
  );
  const isMqtt = (b: BackendFacts): boolean =>
    mapping.some((m) => m.backend === b.name && m.mapped.endsWith(`:${SERVICE_PORTS.mqtt}`));
  const mqttBackend = backends.find(isMqtt) ?? backends[0];
  if (!mqttBackend) throw new Error(`${file}: no backend`);
  return { kind: 'ts-proxy', file, mqttBackend, backends };
}
