/**
 * Turns the user's TS-proxy YAML into the config the harness runs: servers mapped to harness nodes
 * (the shared safety rule), frontend binds and the admin API moved to run-owned loopback ports, and
 * certificate paths mapped to the run's PKI when the profile generates it. Every mapping entry keeps
 * the user's line.
 */
import path from 'node:path';
import { validateProxyConfig, serializeProxyConfig, type ProxyConfig } from '../../../proxy/config/index.js';
import { ConfigError } from '../../errors.js';
import type { MappingEntry, NodeName } from '../../types.js';
import { mapUpstream, type ExplicitMap, type UpstreamResolver } from '../address-map.js';
import { splitHostPort } from '../haproxy/parse.js';
import type { BalancerTls } from '../../pki/run-tls.js';

export interface TsProxyBind {
  frontend: string;
  line: number;
  original: string;
  host: string;
  port: number;
  ssl: boolean;
  backend: string;
}

export interface MappedTsProxyConfig {
  config: ProxyConfig;
  text: string;
  mapping: MappingEntry[];
  binds: TsProxyBind[];
  admin: { host: string; port: number; token: string | null };
}

export interface TsProxyMapOptions {
  nodeNames: readonly NodeName[];
  explicit: ExplicitMap[];
  resolve: UpstreamResolver;
  placeBind: (originalPort: number, used: Set<string>) => Promise<{ host: string; port: number }>;
  /** Where the admin API goes (always on: the harness observes the balancer through it). */
  placeAdmin: () => Promise<{ host: string; port: number }>;
  tls?: BalancerTls;
}

/**
 * TS-proxy reads relative certificate paths relative to its config file; the mapped config lives in the run
 * directory (or a container), so the user's relative paths are made absolute against the user's file.
 */
function absoluteCertificatePaths(t: NonNullable<ProxyConfig['frontends'][number]['tls']>, baseDir: string): void {
  const abs = (p: string): string => path.resolve(baseDir, p);
  t.cert = abs(t.cert);
  t.key = abs(t.key);
  if (t.client_ca) t.client_ca = abs(t.client_ca);
  for (const s of t.sni) {
    s.cert = abs(s.cert);
    s.key = abs(s.key);
  }
}

export function parseUserTsProxyConfig(text: string, file: string): ProxyConfig {
  const { config, issues } = validateProxyConfig(text, file);
  if (!config) {
    const first = issues[0]!;
    const more =
      issues.length > 1
        ? `\n  (${issues.length - 1} more: ${issues
            .slice(1, 4)
            .map((i) => `line ${i.line}: ${i.key}: ${i.message}`)
            .join(' | ')})`
        : '';
    throw new ConfigError(
      `TS-proxy config: ${first.key}: ${first.message}${more}`,
      file,
      first.line,
      'see proxy/README.md for the keys of each section',
    );
  }
  return config;
}

export async function mapTsProxyConfig(
  text: string,
  file: string,
  opts: TsProxyMapOptions,
): Promise<MappedTsProxyConfig> {
  const config = parseUserTsProxyConfig(text, file);
  const mapping: MappingEntry[] = [];
  for (const backend of config.backends) {
    backend.servers.forEach((server, index) => {
      const hp = splitHostPort(server.address);
      const m = mapUpstream(
        {
          backend: backend.name,
          server: server.name,
          index,
          original: server.address,
          host: hp.host,
          port: hp.port,
          file,
          line: server.line,
        },
        opts.nodeNames,
        opts.explicit,
        opts.resolve,
      );
      const mapped = `${m.target.host}:${m.target.port}`;
      mapping.push({
        backend: backend.name,
        server: server.name,
        original: server.address,
        line: server.line,
        node: m.node,
        mapped,
      });
      server.address = mapped;
    });
  }
  if (!mapping.length) throw new ConfigError('the TS-proxy config has no servers: nothing to test', file);
  const binds: TsProxyBind[] = [];
  const used = new Set<string>();
  for (const f of config.frontends) {
    const hp = splitHostPort(f.bind);
    if (hp.port === undefined) throw new ConfigError(`frontend '${f.name}' bind '${f.bind}' has no port`, file, f.line);
    const where = await opts.placeBind(hp.port, used);
    used.add(`${where.host}:${where.port}`);
    binds.push({
      frontend: f.name,
      line: f.line,
      original: f.bind,
      host: where.host,
      port: where.port,
      ssl: f.tls !== null,
      backend: f.backend,
    });
    f.bind = `${where.host}:${where.port}`;
    if (f.tls && opts.tls?.mapCertificates) {
      f.tls.cert = opts.tls.cert;
      f.tls.key = opts.tls.key;
      if (f.tls.client_ca) f.tls.client_ca = opts.tls.clientCa;
    }
    if (f.tls) absoluteCertificatePaths(f.tls, path.dirname(path.resolve(file)));
  }
  const admin = await opts.placeAdmin();
  const token = config.admin?.token ?? null;
  config.admin = { bind: `${admin.host}:${admin.port}`, token, line: config.admin?.line ?? 0 };
  return { config, text: serializeProxyConfig(config), mapping, binds, admin: { ...admin, token } };
}
