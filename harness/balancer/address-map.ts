/**
 * The address-mapping safety rule, shared by every balancer kind: each upstream in the user's config
 * is mapped to a harness node (i-th server of a backend → node i, or an explicit `--map`), and an
 * upstream that maps to nothing stops the run before any traffic is sent.
 */
import { ConfigError } from '../errors.js';
import type { HostPort, NodeName } from '../types.js';

export interface ExplicitMap {
  /** As written by the user, "host:port". */
  from: string;
  node: NodeName;
  port?: number;
}

export function parseMapEntries(entries: string[]): ExplicitMap[] {
  return entries.map((e) => {
    const m = /^(.+?)=(node\d+)(?::(\d+))?$/.exec(e.trim());
    if (!m)
      throw new ConfigError(
        `--map '${e}': expected host:port=nodeN or host:port=nodeN:port`,
        undefined,
        undefined,
        'e.g. --map emqx-node-1.invalid:1883=node2',
      );
    return { from: m[1]!, node: m[2]!, port: m[3] ? Number(m[3]) : undefined };
  });
}

/** How a runtime reaches node N on a given port (local: node IP; docker: network alias). */
export type UpstreamResolver = (node: NodeName, port: number) => HostPort;

export interface UpstreamRef {
  backend: string;
  server: string;
  /** Position of the server within its backend, 0-based. */
  index: number;
  original: string;
  host: string;
  port: number | undefined;
  file: string;
  line: number;
}

export interface MappedUpstream {
  node: NodeName;
  target: HostPort;
}

export function mapUpstream(
  ref: UpstreamRef,
  nodeNames: readonly NodeName[],
  explicit: ExplicitMap[],
  resolve: UpstreamResolver,
): MappedUpstream {
  const hit = explicit.find((m) => m.from === ref.original || m.from === `${ref.host}:${ref.port}`);
  if (hit) {
    if (!nodeNames.includes(hit.node)) {
      throw new ConfigError(
        `--map ${hit.from}=${hit.node}: there is no ${hit.node} (nodes: ${nodeNames.join(', ')})`,
        ref.file,
        ref.line,
      );
    }
    const port = hit.port ?? ref.port;
    if (port === undefined) throw portMissing(ref);
    return { node: hit.node, target: resolve(hit.node, port) };
  }
  const node = nodeNames[ref.index];
  if (!node) {
    throw new ConfigError(
      `server '${ref.server}' (${ref.original}) in backend '${ref.backend}' maps to no harness node: it is server #${ref.index + 1} and the cluster has ${nodeNames.length} nodes`,
      ref.file,
      ref.line,
      `map it explicitly (--map ${ref.original}=node1) or remove the line; the harness never sends test traffic to unmapped addresses`,
    );
  }
  if (ref.port === undefined) throw portMissing(ref);
  return { node, target: resolve(node, ref.port) };
}

function portMissing(ref: UpstreamRef): ConfigError {
  return new ConfigError(
    `server '${ref.server}' (${ref.original}) has no port; the harness cannot tell which node service it means`,
    ref.file,
    ref.line,
    `write the port explicitly (e.g. ${ref.host}:1883) or map it with --map ${ref.original}=node1:1883`,
  );
}

const LOOPBACK_V4 = /^127\.\d+\.\d+\.\d+$/;

/** True for addresses that never leave the machine (or bind-all wildcards). */
export function isLocalAddress(host: string): boolean {
  return (
    host === '' ||
    host === '*' ||
    host === 'localhost' ||
    host === '0.0.0.0' ||
    host === '::' ||
    host === '::1' ||
    LOOPBACK_V4.test(host)
  );
}
