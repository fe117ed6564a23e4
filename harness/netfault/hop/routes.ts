/**
 * The fault hop's routes, built without running anything: one TS-proxy listener per node port the balancer may use
 * (MQTT, TLS, WebSocket and the HTTP port health checks go to), on an address of the hop's own per node, forwarding
 * to the node; and the nodes as the balancer then sees them (its upstream addresses are the hop's).
 */
import type { HostPort, NodeInfo, NodeName } from '../../types.js';

export interface HopRoute {
  node: NodeName;
  /** The Toxiproxy proxy (TS-proxy frontend) name: `<node>-<port>`. */
  name: string;
  listen: HostPort;
  upstream: HostPort;
}

/** Every port of a node the balancer could be pointed at, with the address the node listens on for it. */
function nodeTargets(n: NodeInfo): HostPort[] {
  const out = new Map<number, HostPort>();
  for (const hp of [n.upstreamMqtt, n.upstreamHttp]) out.set(hp.port, hp);
  for (const hp of [n.mqtts, n.ws, n.wss]) if (hp && !out.has(hp.port)) out.set(hp.port, hp);
  return [...out.values()].sort((a, b) => a.port - b.port);
}

/** One route per node port; the hop listens on `hopHost(node)` with the node's own port numbers. */
export function hopRoutes(nodes: readonly NodeInfo[], hopHost: (node: NodeName) => string): HopRoute[] {
  return nodes.flatMap((n) =>
    nodeTargets(n).map((upstream) => ({
      node: n.name,
      name: `${n.name}-${upstream.port}`,
      listen: { host: hopHost(n.name), port: upstream.port },
      upstream,
    })),
  );
}

/** The nodes as the balancer's mapping sees them: upstream addresses on the hop (the harness still observes directly). */
export function nodesThroughHop(nodes: readonly NodeInfo[], routes: readonly HopRoute[]): NodeInfo[] {
  const via = (node: NodeName, hp: HostPort): HostPort => {
    const r = routes.find((x) => x.node === node && x.upstream.port === hp.port);
    return r ? { ...r.listen } : hp;
  };
  return nodes.map((n) => ({
    ...n,
    upstreamMqtt: via(n.name, n.upstreamMqtt),
    upstreamHttp: via(n.name, n.upstreamHttp),
  }));
}

/**
 * The hop's TS-proxy config (JSON, a YAML subset): a raw L4 frontend per route (`inspect: none`, no idle timeout: the
 * balancer's own timeouts decide) with a one-server backend (no health check, no retries: the hop is a wire).
 */
export function hopConfig(routes: readonly HopRoute[], admin: HostPort): string {
  const hp = (x: HostPort): string => `${x.host}:${x.port}`;
  return JSON.stringify(
    {
      global: { maxconn: 100_000, log_level: 'warn' },
      admin: { bind: hp(admin) },
      frontends: routes.map((r) => ({
        name: r.name,
        bind: hp(r.listen),
        backend: `to-${r.name}`,
        inspect: 'none',
        timeouts: { handshake: 5000, idle: 0 },
      })),
      backends: routes.map((r) => ({
        name: `to-${r.name}`,
        retries: 0,
        maxconn_policy: 'refuse',
        health: { type: 'none' },
        servers: [{ name: r.node, address: hp(r.upstream) }],
      })),
    },
    null,
    2,
  );
}
