/**
 * Prometheus text exposition (format 0.0.4) of frontends, backends, servers and the process.
 */
import { readdirSync } from 'node:fs';
import type { BackendView, FrontendView, ServerView } from './views.js';

export interface MetricsInput {
  uptimeMs: number;
  connections: { current: number; maxconn: number; queued: number; refused: number };
  frontends: FrontendView[];
  backends: BackendView[];
  servers: ServerView[];
}

const STATUSES = ['UP', 'DOWN', 'DRAIN', 'MAINT'] as const;

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

class Exposition {
  private out: string[] = [];
  family(name: string, type: 'gauge' | 'counter', help: string, rows: [Record<string, string>, number][]): void {
    this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(',');
      this.out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
  }
  text(): string {
    return this.out.join('\n') + '\n';
  }
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function renderMetrics(m: MetricsInput): string {
  const e = new Exposition();
  const fl = (f: FrontendView) => ({ frontend: f.name });
  const sl = (s: ServerView) => ({ backend: s.backend, server: s.name });
  e.family('tsproxy_uptime_seconds', 'gauge', 'Seconds since the process started.', [[{}, m.uptimeMs / 1000]]);
  e.family('tsproxy_connections_current', 'gauge', 'Client connections admitted (all frontends).', [
    [{}, m.connections.current],
  ]);
  e.family('tsproxy_connections_max', 'gauge', 'Global maxconn.', [[{}, m.connections.maxconn]]);
  e.family('tsproxy_connections_queued', 'gauge', 'Connections waiting for a global maxconn slot.', [
    [{}, m.connections.queued],
  ]);
  e.family('tsproxy_connections_refused_total', 'counter', 'Connections refused at global maxconn.', [
    [{}, m.connections.refused],
  ]);
  e.family('tsproxy_process_open_fds', 'gauge', 'Open file descriptors.', [[{}, openFds()]]);
  e.family('tsproxy_process_resident_memory_bytes', 'gauge', 'Resident set size.', [[{}, process.memoryUsage.rss()]]);
  e.family(
    'tsproxy_frontend_current_sessions',
    'gauge',
    'Current sessions per frontend.',
    m.frontends.map((f) => [fl(f), f.current]),
  );
  e.family(
    'tsproxy_frontend_sessions_total',
    'counter',
    'Sessions started per frontend.',
    m.frontends.map((f) => [fl(f), f.total]),
  );
  e.family(
    'tsproxy_frontend_connections_total',
    'counter',
    'Connections accepted per frontend.',
    m.frontends.map((f) => [fl(f), f.accepted]),
  );
  e.family(
    'tsproxy_frontend_rate_limited_total',
    'counter',
    'Connections refused by the per-source rate limit.',
    m.frontends.map((f) => [fl(f), f.rateLimited]),
  );
  e.family(
    'tsproxy_frontend_tls_failures_total',
    'counter',
    'TLS handshakes that failed or timed out.',
    m.frontends.map((f) => [fl(f), f.tlsFailures]),
  );
  e.family(
    'tsproxy_frontend_bytes_in_total',
    'counter',
    'Bytes received from clients.',
    m.frontends.map((f) => [fl(f), f.bytesIn]),
  );
  e.family(
    'tsproxy_frontend_bytes_out_total',
    'counter',
    'Bytes sent to clients.',
    m.frontends.map((f) => [fl(f), f.bytesOut]),
  );
  e.family(
    'tsproxy_backend_queued',
    'gauge',
    'Sessions waiting for a server below maxconn.',
    m.backends.map((b) => [{ backend: b.name }, b.queued]),
  );
  e.family(
    'tsproxy_backend_no_server_total',
    'counter',
    'Sessions closed because no server was available.',
    m.backends.map((b) => [{ backend: b.name }, b.noServer]),
  );
  e.family(
    'tsproxy_backend_servers_up',
    'gauge',
    'Servers in status UP.',
    m.backends.map((b) => [{ backend: b.name }, b.serversUp]),
  );
  e.family(
    'tsproxy_server_up',
    'gauge',
    '1 when the server is UP.',
    m.servers.map((s) => [sl(s), s.status === 'UP' ? 1 : 0]),
  );
  e.family(
    'tsproxy_server_status',
    'gauge',
    'Server status (one series per status, 1 = current).',
    m.servers.flatMap((s) =>
      STATUSES.map((st): [Record<string, string>, number] => [{ ...sl(s), status: st }, s.status === st ? 1 : 0]),
    ),
  );
  e.family(
    'tsproxy_server_weight',
    'gauge',
    'Server weight.',
    m.servers.map((s) => [sl(s), s.weight]),
  );
  e.family(
    'tsproxy_server_current_sessions',
    'gauge',
    'Current sessions per server.',
    m.servers.map((s) => [sl(s), s.current]),
  );
  e.family(
    'tsproxy_server_sessions_total',
    'counter',
    'Sessions assigned per server.',
    m.servers.map((s) => [sl(s), s.total]),
  );
  e.family(
    'tsproxy_server_bytes_in_total',
    'counter',
    'Bytes sent to the server.',
    m.servers.map((s) => [sl(s), s.bytesIn]),
  );
  e.family(
    'tsproxy_server_bytes_out_total',
    'counter',
    'Bytes received from the server.',
    m.servers.map((s) => [sl(s), s.bytesOut]),
  );
  e.family(
    'tsproxy_server_connect_failures_total',
    'counter',
    'Failed connection attempts.',
    m.servers.map((s) => [sl(s), s.connectFailures]),
  );
  e.family(
    'tsproxy_server_check_failures_total',
    'counter',
    'Failed health checks.',
    m.servers.map((s) => [sl(s), s.checkFailures]),
  );
  e.family(
    'tsproxy_server_down_transitions_total',
    'counter',
    'UP to DOWN transitions.',
    m.servers.map((s) => [sl(s), s.downTransitions]),
  );
  return e.text();
}
