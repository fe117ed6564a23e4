/** What every balancer kind provides once started, whatever the runtime. */
import type { BalancerInfo, BalancerView, Endpoints, HostPort, MappingEntry, NodeInfo } from '../types.js';
import type { ExplicitMap } from './address-map.js';
import type { RunDir } from '../proc/run-dir.js';
import type { BalancerFacts } from '../facts.js';
import type { BalancerTls } from '../pki/run-tls.js';
import { ConfigError } from '../errors.js';

export interface BalancerHandle {
  info: BalancerInfo;
  view: BalancerView;
  facts: BalancerFacts;
  endpoints: Endpoints;
  /** Reload with the same config (HAProxy -sf, TS-proxy SIGHUP); established connections survive. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export interface BalancerStartSpec {
  kind: string;
  /** The user's config file, run unmodified apart from the address mapping. */
  configFile: string;
  explicitMap: ExplicitMap[];
  nodes: readonly NodeInfo[];
  runDir: RunDir;
  /** Loopback address the frontends move to. */
  bindHost: string;
  /** The run's TLS files (profile `tls:`); with `mapCertificates`, certificate paths in the config are mapped to them. */
  tls?: BalancerTls;
}

/** Node service ports used to tell which frontend is MQTT, MQTT/TLS or the dashboard. */
export const SERVICE_PORTS = { mqtt: 1883, mqtts: 8883, http: 18083 } as const;

export interface BindLike {
  frontend: string;
  host: string;
  port: number;
  ssl: boolean;
  backend?: string;
  /** 1-based line of the bind in the user's config. */
  line?: number;
  /** The address as the user wrote it (e.g. `*:1883`), when known. */
  original?: string;
}

const NO_PLAIN_MQTT = 'no plain MQTT frontend found in the balancer config (a frontend whose backend serves port 1883)';

/** No plain frontend because `ssl` sits on a bind of the MQTT port 1883: name that bind line. */
function sslOnPlainPort(binds: BindLike[], mapping: readonly MappingEntry[]): ConfigError | undefined {
  const servesMqtt = (b: BindLike): boolean =>
    mapping.some((m) => m.backend === b.backend && m.mapped.endsWith(`:${SERVICE_PORTS.mqtt}`));
  const b = binds.find((x) => x.ssl && servesMqtt(x) && x.original !== undefined && /:1883$/.test(x.original));
  if (!b) return undefined;
  return new ConfigError(
    `${NO_PLAIN_MQTT}: frontend ${b.frontend} binds the plain MQTT port (${b.original}, line ${b.line ?? '?'}) with \`ssl\`, so plain MQTT clients cannot connect to it`,
    undefined,
    b.line,
    `remove \`ssl crt …\` from that bind (serve MQTT over TLS on its own frontend, e.g. :8883)`,
  );
}

/** Classifies frontends by what their backend's servers serve (mqtt/http/mqtts port) and TLS. */
export function endpointsFromBinds(
  binds: BindLike[],
  mapping: readonly MappingEntry[],
  admin?: Endpoints['balancerAdmin'],
): Endpoints {
  const frontends: Endpoints['frontends'] = {};
  let mqtt: HostPort | undefined;
  let mqtts: HostPort | undefined;
  let dashboard: HostPort | undefined;
  for (const b of binds) {
    const key = frontends[b.frontend] ? `${b.frontend}#${b.port}` : b.frontend;
    frontends[key] = {
      host: b.host,
      port: b.port,
      tls: b.ssl,
      backend: b.backend,
      ...(b.line ? { line: b.line } : {}),
    };
    const upstreamPort = Number(
      mapping
        .find((m) => m.backend === b.backend)
        ?.mapped.split(':')
        .pop(),
    );
    const hp = { host: b.host, port: b.port };
    if (b.ssl || upstreamPort === SERVICE_PORTS.mqtts) mqtts ??= hp;
    else if (upstreamPort === SERVICE_PORTS.http) dashboard ??= hp;
    else mqtt ??= hp;
  }
  if (!mqtt) throw sslOnPlainPort(binds, mapping) ?? new Error(NO_PLAIN_MQTT);
  return { mqtt, mqtts, dashboard, balancerAdmin: admin, frontends };
}
