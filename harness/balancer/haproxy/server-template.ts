/**
 * Maps a `server-template <prefix> <num | range> <fqdn>[:<port>] [params*]` line to harness nodes without changing
 * the line count: the line keeps its place with the first generated server's node address instead of the fqdn and
 * without its DNS parameters, and the other generated servers get their node addresses through the runtime API
 * (`set server <backend>/<server> addr <ip> port <port>`) right after HAProxy starts (and after every reload).
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../errors.js';
import type { MappingEntry, NodeName } from '../../types.js';
import { mapUpstream, type ExplicitMap, type UpstreamResolver } from '../address-map.js';
import { splitHostPort, type CfgLine } from './parse.js';

/** A generated server whose address the harness sets through the runtime API once HAProxy runs. */
export interface RuntimeServerAddress {
  backend: string;
  server: string;
  host: string;
  port: number;
  /** The server-template line in the user's config. */
  line: number;
}

/** Server parameters that make HAProxy resolve the address through DNS; dropped for the run. */
const DNS_PARAMS = new Set(['resolvers', 'init-addr', 'resolve-prefer', 'resolve-net', 'resolve-opts']);

/** Names HAProxy gives the servers of `server-template <prefix> <num | range>`: prefix1..prefixN or prefixA..prefixB. */
export function templateServerNames(prefix: string, numOrRange: string, file: string, line: number): string[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(numOrRange);
  const from = m?.[2] ? Number(m[1]) : 1;
  const to = m?.[2] ? Number(m[2]) : Number(m?.[1]);
  if (!m || !Number.isInteger(to) || to < from || from < 1)
    throw new ConfigError(
      `server-template '${prefix}': '${numOrRange}' is not a number or a range like 1-3`,
      file,
      line,
    );
  return Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);
}

/** The template's parameters without the DNS ones (`resolvers x`, `init-addr a,b`, `resolve-*`). */
export function withoutDnsParams(params: readonly string[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < params.length; i++) {
    if (DNS_PARAMS.has(params[i]!) && i + 1 < params.length) dropped.push(params[i]!, params[++i]!);
    else kept.push(params[i]!);
  }
  return { kept, dropped };
}

export interface TemplateMapping {
  /** The rewritten line (without indentation). */
  text: string;
  /** One row per generated server. */
  entries: MappingEntry[];
  /** Generated servers whose node address differs from the line's address: set after start. */
  runtime: RuntimeServerAddress[];
  droppedParams: string[];
}

/**
 * Maps the i-th generated server to node (firstIndex + i), the same refuse-unmapped rule as `server` lines. A map
 * entry names a generated server as `<prefix><i>` or `<backend>/<prefix><i>` (the fqdn names all of them).
 */
export function mapServerTemplate(
  l: CfgLine,
  backend: string,
  firstIndex: number,
  file: string,
  nodeNames: readonly NodeName[],
  explicit: ExplicitMap[],
  resolve: UpstreamResolver,
): TemplateMapping {
  const [, prefix = '', numOrRange = '', fqdn = '', ...params] = l.tokens;
  if (!fqdn) throw new ConfigError(`server-template '${prefix}' has no address`, file, l.line);
  const names = templateServerNames(prefix, numOrRange, file, l.line);
  const hp = splitHostPort(fqdn);
  const entries: MappingEntry[] = names.map((server, i) => {
    const named = explicit
      .filter((e) => e.from === server || e.from === `${backend}/${server}`)
      .map((e) => ({ ...e, from: fqdn }));
    if (!named.length && !nodeNames[firstIndex + i])
      throw new ConfigError(
        `server-template '${prefix}' in backend '${backend}' generates ${names.length} servers (${names[0]}…${names.at(-1)}); ${server} is server #${firstIndex + i + 1} and the cluster has ${nodeNames.length} nodes`,
        file,
        l.line,
        `lower the count to ${Math.max(0, nodeNames.length - firstIndex)} for the test run, or map the extra servers explicitly (--map ${server}=node1 or balancer.map: ["${backend}/${server}=node1"]); the harness never sends test traffic to unmapped addresses`,
      );
    const m = mapUpstream(
      { backend, server, index: firstIndex + i, original: fqdn, host: hp.host, port: hp.port, file, line: l.line },
      nodeNames,
      named,
      resolve,
    );
    if (isIP(m.target.host) === 0)
      throw new ConfigError(
        `server-template '${prefix}' cannot be mapped on this runtime: nodes are reached by name (${m.target.host}) and HAProxy's runtime API sets server addresses only as IP addresses`,
        file,
        l.line,
        `write one \`server\` line per node for the test run (server ${names[0]} ${fqdn} …, one per node), or run it on the local runtime`,
      );
    return { backend, server, original: fqdn, line: l.line, node: m.node, mapped: `${m.target.host}:${m.target.port}` };
  });
  const first = entries[0]!;
  const { kept, dropped } = withoutDnsParams(params);
  const runtime = entries
    .filter((e) => e.mapped !== first.mapped)
    .map((e) => {
      const at = splitHostPort(e.mapped);
      return { backend, server: e.server, host: at.host, port: at.port!, line: l.line };
    });
  return {
    text: ['server-template', prefix, numOrRange, first.mapped, ...kept].join(' '),
    entries,
    runtime,
    droppedParams: dropped,
  };
}

/** Runtime API commands that give each generated server its node address (checks follow the new address). */
export function runtimeAddressCommands(runtime: readonly RuntimeServerAddress[]): string[] {
  return runtime.map((r) => `set server ${r.backend}/${r.server} addr ${r.host} port ${r.port}`);
}
