/**
 * Turns the user's haproxy.cfg into the config the harness runs: same lines, same line numbers,
 * with upstream addresses mapped to harness nodes, binds moved to run-owned loopback ports, process
 * management lines neutralised, and an observation-only runtime API appended at the end.
 */
import { ConfigError } from '../../errors.js';
import type { AddressRewrite, MachineFit, MappingEntry, NodeName } from '../../types.js';
import { machineFitOf, type MachineLimits } from '../machine-limits.js';
import { fitHaproxyToMachine } from './fit-machine.js';
import { mapUpstream, isLocalAddress, type ExplicitMap, type UpstreamResolver } from '../address-map.js';
import { parseHaproxyCfg, splitHostPort, type CfgLine, type ParsedCfg } from './parse.js';
import { hasCertificateParams, mapCertificateParams, type CertificateMap } from './cert-params.js';
import { mapServerTemplate, type RuntimeServerAddress } from './server-template.js';
import { isInheritedSocketBind, isMovableSocketBind, runSocketFor } from './socket-binds.js';
import { localPeerName, mapPeersLine } from './peers.js';
import { frontendBackends } from './frontend-backends.js';
import { mapHostLine } from './map-host-lines.js';
import os from 'node:os';
import path from 'node:path';

export type { CertificateMap } from './cert-params.js';

export interface FrontendBind {
  frontend: string;
  /** 'frontend' or 'listen'. */
  kind: string;
  line: number;
  original: string;
  host: string;
  port: number;
  ssl: boolean;
  mode: string;
  backend?: string;
  /** Every backend the frontend can pick: default_backend and the `use_backend` targets (a listen: itself). */
  backends?: string[];
}

export interface Rewrite {
  line: number;
  from: string;
  to: string;
  why: string;
  /** Set for the production shapes the report lists apart from the server mapping. */
  shape?: 'server-template' | 'socket-bind' | 'peers';
}

export interface MappedHaproxyConfig {
  parsed: ParsedCfg;
  text: string;
  mapping: MappingEntry[];
  binds: FrontendBind[];
  rewrites: Rewrite[];
  statsSocket: string;
  /** server-template servers whose node address is set through the runtime API after every start. */
  runtimeAddresses: RuntimeServerAddress[];
  /** Settings scaled to the machine (`MapOptions.machine`); absent when no limits were given. */
  machineFit?: MachineFit;
}

export interface MapOptions {
  nodeNames: readonly NodeName[];
  explicit: ExplicitMap[];
  resolve: UpstreamResolver;
  /** Picks the loopback address:port a frontend bind moves to. */
  placeBind: (originalPort: number, used: Set<string>) => Promise<{ host: string; port: number }>;
  /** Runtime API address for the appended stats socket: a unix socket path or `ipv4@host:port`. */
  statsSocket: string;
  /**
   * The run's PKI files (`tls.pki: generated`): certificate paths on bind/server lines (`crt`, `crt-list`, `ca-file`…)
   * are production paths and are mapped to these. Absent: the user's paths are kept.
   */
  certificates?: CertificateMap;
  /** Directory for the run's replacements of socket binds; default: the stats socket's directory, else /tmp. */
  socketDir?: string;
  /** Host name HAProxy uses to find its local peer (no `localpeer`); default: this machine's. */
  hostname?: string;
  /**
   * What the HAProxy process may use (open-files hard limit, CPUs): production-sized settings above it are scaled
   * down on their line (./fit-machine.ts). Absent: the config's sizing is kept.
   */
  machine?: MachineLimits;
}

export async function mapHaproxyConfig(text: string, file: string, opts: MapOptions): Promise<MappedHaproxyConfig> {
  const parsed = parseHaproxyCfg(text, file);
  const out = [...parsed.rawLines];
  const mapping: MappingEntry[] = [];
  const binds: FrontendBind[] = [];
  const rewrites: Rewrite[] = [];
  const usedBinds = new Set<string>();
  const runtimeAddresses: RuntimeServerAddress[] = [];
  const socketDir = opts.socketDir ?? (opts.statsSocket.startsWith('/') ? path.dirname(opts.statsSocket) : os.tmpdir());
  const localPeer = localPeerName(parsed, opts.hostname ?? os.hostname());
  const placePeer = async (port: number): Promise<{ host: string; port: number }> => {
    const at = await opts.placeBind(port, usedBinds);
    usedBinds.add(`${at.host}:${at.port}`);
    return at;
  };
  const replace = (l: CfgLine, to: string, why: string, shape?: Rewrite['shape']): void => {
    const indent = /^\s*/.exec(l.text)![0];
    out[l.line - 1] = indent + to;
    rewrites.push({ line: l.line, from: l.text.trim(), to, why, ...(shape ? { shape } : {}) });
  };
  /** Maps certificate paths in a line's parameters, recording each change as a rewrite of that line. */
  const mapCerts = (kind: 'bind' | 'server', l: CfgLine, params: string[]): string[] => {
    if (!opts.certificates || !hasCertificateParams(kind, params)) return params;
    const r = mapCertificateParams(kind, params, opts.certificates, file, l.line);
    for (const c of r.changes)
      rewrites.push({
        line: l.line,
        from: c.from,
        to: c.to,
        why: "certificate path mapped to the run's generated PKI",
      });
    return r.params;
  };

  for (const section of parsed.sections) {
    let serverIndex = 0;
    const mode = section.lines.find((l) => l.tokens[0] === 'mode')?.tokens[1] ?? 'tcp';
    const { backend, backends } = frontendBackends(section);
    for (const l of section.lines) {
      const [kw, ...args] = l.tokens;
      if (section.kind === 'peers') {
        const r = await mapPeersLine(l, localPeer, placePeer, section);
        if (r) replace(l, r.text, r.why, 'peers');
        continue;
      }
      if (kw === 'server-template' && (section.kind === 'backend' || section.kind === 'listen')) {
        const t = mapServerTemplate(l, section.name, serverIndex, file, opts.nodeNames, opts.explicit, opts.resolve);
        serverIndex += t.entries.length;
        replace(
          l,
          t.text,
          `server-template: ${t.entries.map((e) => `${e.server} → ${e.node}`).join(', ')} (addresses after the first set through the runtime API${t.droppedParams.length ? `; DNS parameters dropped: ${t.droppedParams.join(' ')}` : ''})`,
          'server-template',
        );
        mapping.push(...t.entries);
        runtimeAddresses.push(...t.runtime);
      } else if (kw === 'server' && (section.kind === 'backend' || section.kind === 'listen')) {
        const [name = '', addr = ''] = args;
        if (addr.startsWith('/') || addr.startsWith('unix@') || addr.startsWith('abns@')) {
          throw new ConfigError(
            `server '${name}' uses a socket path (${addr}); only host:port upstreams can be mapped to nodes`,
            file,
            l.line,
          );
        }
        const hp = splitHostPort(addr);
        const m = mapUpstream(
          {
            backend: section.name,
            server: name,
            index: serverIndex++,
            original: addr,
            host: hp.host,
            port: hp.port,
            file,
            line: l.line,
          },
          opts.nodeNames,
          opts.explicit,
          opts.resolve,
        );
        const mapped = `${m.target.host}:${m.target.port}`;
        const params = mapCerts(
          'server',
          l,
          args.slice(2).map((p, i, all) => (all[i - 1] === 'addr' ? m.target.host : p)),
        );
        const sourceIdx = params.indexOf('source');
        if (sourceIdx >= 0 && !isLocalAddress(splitHostPort(params[sourceIdx + 1] ?? '').host)) {
          throw new ConfigError(
            `server '${name}' binds a non-loopback source address (${params[sourceIdx + 1]})`,
            file,
            l.line,
            'remove the source parameter for the test run',
          );
        }
        replace(l, ['server', name, mapped, ...params].join(' '), `upstream ${addr} → ${m.node}`);
        mapping.push({ backend: section.name, server: name, original: addr, line: l.line, node: m.node, mapped });
      } else if (kw === 'bind' && (section.kind === 'frontend' || section.kind === 'listen')) {
        const [addrList = '', ...userParams] = args;
        const params = mapCerts('bind', l, userParams);
        const placed: string[] = [];
        const sockets: string[] = [];
        for (const a of addrList.split(',')) {
          if (isMovableSocketBind(a)) {
            const to = runSocketFor(a, l.line, sockets.length, socketDir);
            sockets.push(`${a} → ${to}`);
            placed.push(to);
            continue;
          }
          if (isInheritedSocketBind(a)) {
            throw new ConfigError(
              `bind on a socket (${a}) is not supported by the harness`,
              file,
              l.line,
              'bind on host:port',
            );
          }
          const hp = splitHostPort(a);
          const port = Number((hp.portText ?? '').split('-')[0]);
          if (!Number.isInteger(port) || port <= 0) throw new ConfigError(`bind '${a}' has no port`, file, l.line);
          const where = await opts.placeBind(port, usedBinds);
          usedBinds.add(`${where.host}:${where.port}`);
          placed.push(`${where.host}:${where.port}`);
          binds.push({
            frontend: section.name,
            kind: section.kind,
            line: l.line,
            original: a,
            host: where.host,
            port: where.port,
            ssl: params.includes('ssl'),
            mode,
            backend,
            backends,
          });
        }
        replace(
          l,
          ['bind', placed.join(','), ...params.map(quoteIfNeeded)].join(' '),
          sockets.length
            ? `socket bind moved to the run directory (${sockets.join(', ')}); not an MQTT endpoint`
            : 'frontend moved to a run-owned loopback address',
          sockets.length ? 'socket-bind' : undefined,
        );
      } else if (kw === 'default-server' && opts.certificates && hasCertificateParams('server', args)) {
        replace(
          l,
          ['default-server', ...mapCerts('server', l, args).map(quoteIfNeeded)].join(' '),
          "certificate paths mapped to the run's generated PKI",
        );
      } else {
        const r = mapHostLine(section.kind, l, file);
        if (r) replace(l, r.text, r.why);
      }
    }
  }
  if (!mapping.length)
    throw new ConfigError(
      'the config has no `server` lines in any backend or listen section: nothing to test',
      file,
      undefined,
      'add a backend with one server line per broker node',
    );
  if (!binds.length)
    throw new ConfigError(
      'the config has no `bind` line in any frontend or listen section: clients cannot reach it',
      file,
    );

  const fitted = opts.machine ? fitHaproxyToMachine(parsed, opts.machine) : undefined;
  for (const r of fitted ?? []) out[r.line - 1] = r.text;
  const machineFit = opts.machine
    ? machineFitOf(
        opts.machine,
        (fitted ?? []).map(({ line, original, asRun, reason }) => ({ line, original, asRun, reason })),
      )
    : undefined;

  out.push(
    '',
    '# --- appended by mqtt-lb-harness: observation only (runtime API). Lines above are yours, mapped. ---',
    'global',
    `    stats socket ${opts.statsSocket} mode 600 level admin expose-fd listeners`,
    '',
  );
  return {
    parsed,
    text: out.join('\n'),
    mapping,
    binds,
    rewrites,
    statsSocket: opts.statsSocket,
    runtimeAddresses,
    ...(machineFit ? { machineFit } : {}),
  };
}

/** The production-shaped lines kept on the machine, for the report (BalancerInfo.addressRewrites). */
export function addressRewritesOf(mapped: Pick<MappedHaproxyConfig, 'rewrites'>): AddressRewrite[] {
  return mapped.rewrites
    .filter((r) => r.shape)
    .map((r) => ({ line: r.line, original: r.from, asRun: r.to, reason: r.why }));
}

function quoteIfNeeded(p: string): string {
  return /[\s#"']/.test(p) ? `"${p.replace(/"/g, '\\"')}"` : p;
}
