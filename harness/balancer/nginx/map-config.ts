/**
 * Turns the user's nginx.conf into the config the harness runs: the same files and line numbers, with upstream
 * servers mapped to harness nodes (the refuse-unmapped rule of ../address-map.ts), listens moved to run-owned
 * addresses, process, pid and log directives moved into the run directory, the stream module loaded once, includes
 * resolved, and (asked) certificate paths mapped to the run's TLS files — every change recorded on the user's line.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { AddressRewrite, MachineFit, MappingEntry, NodeName } from '../../types.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { isLocalAddress, mapUpstream, type ExplicitMap, type UpstreamResolver } from '../address-map.js';
import { machineFitOf, type MachineLimits } from '../machine-limits.js';
import { NginxEdits, type NginxRewrite } from './edits.js';
import { parseNginxConf, walkNginx, type NginxDirective, type ParsedNginx, type ParseOptions } from './parse.js';
import { formatHostPort, parseProxyPass, splitServerAddress, withAddress } from './addresses.js';
import { fitNginxLine, mapCertificatePath, mapLogTarget } from './map-rules.js';
import { ListenMapper, type NginxListen } from './map-listen.js';
import { backendName, proxyBackends, upstreamNames, variableValues } from './targets.js';

export type { NginxRewrite } from './edits.js';
export type { NginxListen } from './map-listen.js';

export interface NginxMapOptions {
  nodeNames: readonly NodeName[];
  explicit: ExplicitMap[];
  resolve: UpstreamResolver;
  /** Picks the run's address:port a listen moves to. */
  placeBind: (originalPort: number, used: Set<string>) => Promise<{ host: string; port: number }>;
  /** The run directory: pid file and logs go here. */
  runDir: string;
  /** The run's TLS files; with `mapCertificates`, ssl_certificate & co. are mapped to them. */
  tls?: BalancerTls;
  /** Absolute path of ngx_stream_module.so to load when the config has a `stream` block (Debian's default);
   *  null: nginx has the stream module built in. */
  streamModule?: string | null;
  /** nginx's prefix, against which relative `load_module` paths are resolved (Debian: /usr/share/nginx). */
  prefix?: string;
  /** A `stub_status` page the harness adds for itself (its observation interface): a server in the user's http
   *  block (on that block's opening line), or an http block appended after the last line. */
  adminStatus?: { host: string; port: number; path: string };
  /** Also log notices to stderr (the harness reads start-up errors and reload confirmations there). */
  stderrLog?: boolean;
  /** What the nginx process may use: production-sized worker settings above it are scaled on their line. */
  machine?: MachineLimits;
  parse?: ParseOptions;
}

export interface MappedNginxConfig {
  parsed: ParsedNginx;
  /** The main file as run (included files that needed mapping are inlined on their include's line). */
  text: string;
  mapping: MappingEntry[];
  /** Files of the mapping entries (MappingEntry has a line only): same order as `mapping`. */
  mappingFiles: string[];
  listens: NginxListen[];
  rewrites: NginxRewrite[];
  pidFile: string;
  errorLog: string;
  /** Log files the config as run writes (error log first). */
  logFiles: string[];
  /** A `stub_status` page the config serves, as run. */
  statusPage?: { host: string; port: number; path: string; file: string; line: number };
  machineFit?: MachineFit;
}

export const DEBIAN_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const PROCESS = new Set(['daemon', 'master_process', 'user', 'pid', 'working_directory', 'lock_file']);

/** Arguments that run the mapped config: `nginx <args>` (foreground is set in the config itself). */
export function nginxArgs(confFile: string, runDir: string): string[] {
  return ['-p', runDir, '-e', path.join(runDir, 'error.log'), '-c', confFile];
}

export async function mapNginxConfig(text: string, file: string, opts: NginxMapOptions): Promise<MappedNginxConfig> {
  const parsed = parseNginxConf(text, file, opts.parse);
  const edits = new NginxEdits(parsed);
  const mapping: MappingEntry[] = [];
  const mappingFiles: string[] = [];
  const runDir = opts.runDir;
  const errorLog = path.join(runDir, 'error.log');
  const logFiles = new Set([errorLog]);
  const streamModule = opts.streamModule === undefined ? DEBIAN_STREAM_MODULE : opts.streamModule;
  const names = upstreamNames(parsed);
  let hasStream = false;
  let mainErrorLog = false;
  walkNginx(parsed.root.directives, (d) => {
    if (d.name === 'stream' && d.block && !d.context.length) hasStream = true;
    if (d.name === 'error_log' && !d.context.length) mainErrorLog = true;
  });
  const listens = new ListenMapper(edits, opts.placeBind);
  const serverIndex = new Map<NginxDirective, number>();
  const fitted: MachineFit['rewrites'] = [];

  const mapAddress = (
    d: NginxDirective,
    backend: string,
    server: string,
    index: number,
    addr: string,
  ): { node: NodeName; mapped: string } => {
    const hp = splitServerAddress(addr);
    const m = mapUpstream(
      { backend, server, index, original: addr, host: hp.host, port: hp.port, file: d.file, line: d.line },
      opts.nodeNames,
      opts.explicit,
      opts.resolve,
    );
    const mapped = formatHostPort(m.target.host, m.target.port);
    mapping.push({ backend, server, original: addr, line: d.line, node: m.node, mapped });
    mappingFiles.push(d.file);
    return { node: m.node, mapped };
  };

  const directives: Array<{ d: NginxDirective; parents: readonly NginxDirective[] }> = [];
  walkNginx(parsed.root.directives, (d, parents) => directives.push({ d, parents }));
  for (const { d, parents } of directives) {
    const ctx = d.context[0] ?? '';
    const inUpstream = d.context.at(-1) === 'upstream';
    if (!d.context.length && PROCESS.has(d.name)) {
      edits.neutralise(d, 'the harness runs nginx in the foreground with its pid file in the run directory', 'process');
    } else if (d.name === 'error_log' || d.name === 'access_log') {
      const r = mapLogTarget(d, runDir);
      if (r) {
        edits.replace(d, r.text, r.why, 'log');
        if (r.file) logFiles.add(r.file);
      }
    } else if (d.name === 'load_module' && !d.context.length) {
      const so = d.args[0] ?? '';
      if (path.basename(so) === 'ngx_stream_module.so' && streamModule)
        edits.neutralise(d, `the harness loads the stream module once, on line 1 (${streamModule})`, 'module');
      else if (!path.isAbsolute(so)) {
        const abs = path.join(opts.prefix ?? '/usr/share/nginx', so);
        edits.replace(d, `load_module ${abs};`, 'relative module path resolved against the nginx prefix', 'module');
      }
    } else if (d.name === 'mail' && d.block && !d.context.length) {
      throw new ConfigError(
        'the `mail` proxy block is not supported by the harness (it would listen on production mail ports)',
        d.file,
        d.line,
        'remove the mail block from the config under test',
      );
    } else if (opts.machine && fitNginxLine(d, opts.machine)) {
      const f = fitNginxLine(d, opts.machine)!;
      edits.replace(d, f.asRun, f.reason, 'machine');
      fitted.push({ line: d.line, original: f.original, asRun: f.asRun, reason: f.reason });
    } else if (d.name === 'server' && inUpstream && !d.block) {
      const upstream = parents.at(-1)!;
      const backend = backendName(names, ctx, upstream.args[0] ?? '');
      const addr = d.args[0] ?? '';
      if (addr.startsWith('unix:'))
        throw new ConfigError(
          `upstream '${upstream.args[0]}' server ${addr} is a unix socket; only host:port upstreams map to nodes`,
          d.file,
          d.line,
          'write the broker as host:port',
        );
      const index = serverIndex.get(upstream) ?? 0;
      serverIndex.set(upstream, index + 1);
      const m = mapAddress(d, backend, addr, index, addr);
      const dropped = d.argTokens.slice(1).filter((t) => t.text === 'resolve' || t.text.startsWith('service='));
      const params = d.argTokens
        .slice(1)
        .filter((t) => !dropped.includes(t))
        .map((t) => t.raw);
      edits.replace(
        d,
        ['server', m.mapped, ...params].join(' ') + ';',
        `upstream ${addr} → ${m.node}${dropped.length ? ` (dropped: ${dropped.map((t) => t.text).join(' ')})` : ''}`,
        'upstream',
      );
    } else if (d.name === 'server' && d.block && (ctx === 'http' || ctx === 'stream') && d.context.length === 1) {
      listens.openServer(d, ctx);
    } else if (d.name === 'listen' && d.context.at(-1) === 'server') {
      await listens.listen(d, parents.at(-1)!, ctx);
    } else if (d.name === 'proxy_pass' && (ctx === 'stream' || ctx === 'http')) {
      const t = parseProxyPass(d.args[0] ?? '');
      const server = parents.find((p) => p.name === 'server' && p.context.length === 1);
      const location = parents.findLast((p) => p.name === 'location');
      const known = names.get(ctx)?.has(t.host) && t.port === undefined;
      if (t.unix)
        throw new ConfigError(`proxy_pass to a unix socket (${d.args[0]})`, d.file, d.line, 'proxy to host:port');
      const values = t.variable ? variableValues(d, parsed) : [];
      const unmapped = values.filter((v) => !names.get(ctx)?.has(v));
      if (t.variable && (!values.length || unmapped.length))
        throw new ConfigError(
          `proxy_pass ${d.args[0]}: ${values.length ? `the map gives it ${unmapped.join(', ')}, which is no upstream block` : 'no `map` sets this variable'}, so the harness cannot tell which addresses it reaches`,
          d.file,
          d.line,
          'let every value of the map name an `upstream` block (whose servers the harness maps to nodes)',
        );
      if (!known && !t.variable) {
        const addr = proxyBackends(d, parsed, names)[0]!;
        const m = mapAddress(d, addr, addr, 0, addr);
        edits.replace(d, `proxy_pass ${withAddress(t, m.mapped)};`, `proxy_pass ${addr} → ${m.node}`, 'upstream');
      }
      for (const backend of proxyBackends(d, parsed, names)) listens.target(server, backend, d, location);
    } else if (d.name === 'proxy_bind' && d.args[0] && !d.args[0].includes('$') && d.args[0] !== 'off') {
      if (!isLocalAddress(splitServerAddress(d.args[0]).host))
        throw new ConfigError(
          `'proxy_bind ${d.args[0]}' is not a loopback address`,
          d.file,
          d.line,
          'use a 127.x address or remove it for the test run',
        );
    } else if (d.name === 'stub_status') {
      listens.status(
        parents.find((p) => p.name === 'server' && p.context.length === 1),
        parents.findLast((p) => p.name === 'location'),
        d,
      );
    } else if (
      d.name === 'resolver' &&
      d.args.some((a) => !a.includes('=') && !isLocalAddress(splitServerAddress(a).host))
    ) {
      edits.replace(
        d,
        'resolver 127.0.0.1;',
        'resolvers outside this machine: upstreams are mapped to node addresses',
        'address',
      );
    } else {
      const cert = mapCertificatePath(d, opts.tls, parsed.confDir);
      if (cert) edits.replace(d, cert.text, cert.why, 'certificate');
    }
  }
  await listens.finish();
  if (!mapping.length)
    throw new ConfigError(
      'the config has no upstream `server` (or proxy_pass address) in a stream or http block: nothing to test',
      file,
      undefined,
      'add an `upstream` with one `server host:port;` per broker node and `proxy_pass` to it',
    );
  if (!listens.all.length)
    throw new ConfigError('the config has no `listen` in a stream or http `server`: clients cannot reach it', file);

  const head = ['daemon off;', `pid ${path.join(runDir, 'nginx.pid')};`];
  if (!mainErrorLog) head.push(`error_log ${errorLog} notice;`);
  if (opts.stderrLog) head.push('error_log stderr notice;');
  if (hasStream && streamModule) head.push(`load_module ${streamModule};`);
  edits.prefixMain(
    head.join(' '),
    'the harness runs nginx in the foreground, pid and logs in the run directory' +
      (hasStream && streamModule ? ', stream module loaded once' : ''),
    'process',
  );
  const httpBlock = parsed.root.directives.find((d) => d.name === 'http' && d.block);
  if (httpBlock && !walkHas(httpBlock, 'access_log')) {
    const log = path.join(runDir, 'access.log');
    edits.insertAfterOpen(httpBlock, `access_log ${log};`, 'default access log moved to the run directory', 'log');
    logFiles.add(log);
  }
  const admin = opts.adminStatus;
  const adminServer = admin
    ? `server { listen ${formatHostPort(admin.host, admin.port)}; access_log off; location = ${admin.path} { stub_status; add_header X-Nginx-Worker $pid always; } }`
    : '';
  if (admin && httpBlock)
    edits.insertAfterOpen(httpBlock, adminServer, "the harness's stub_status page (its view of NGINX)", 'address');
  const rendered = edits.render() + (admin && !httpBlock ? `\nhttp { ${adminServer} }\n` : '');
  return {
    parsed,
    text: rendered,
    mapping,
    mappingFiles,
    listens: listens.all,
    rewrites: edits.rewrites,
    pidFile: path.join(runDir, 'nginx.pid'),
    errorLog,
    logFiles: [...logFiles],
    ...(listens.statusPage ? { statusPage: listens.statusPage } : {}),
    ...(opts.machine ? { machineFit: machineFitOf(opts.machine, fitted) } : {}),
  };
}

function walkHas(block: NginxDirective, name: string): boolean {
  return (block.block ?? []).some((c) => c.name === name);
}

/** The rewrites other than upstream mapping (shown by BalancerInfo.mapping), for the report's addressRewrites;
 *  a line in an included file names its file in `original`, since AddressRewrite has a line only. */
export function nginxAddressRewrites(mapped: Pick<MappedNginxConfig, 'rewrites' | 'parsed'>): AddressRewrite[] {
  return mapped.rewrites
    .filter((r) => r.shape !== 'upstream')
    .map((r) => ({
      line: r.line,
      original: r.file === mapped.parsed.file ? r.from : `${r.file}:${r.line}: ${r.from}`,
      asRun: r.to,
      reason: r.why,
    }));
}
