/**
 * Saturation: how many concurrent connections a backend's config admits before connects queue or are
 * refused (per-server `maxconn`, frontend and global `maxconn`), and the finding that names the limit a
 * test ran into, with its line and the numbers.
 */
import type { Finding } from '../report/summary-types.js';
import type { BackendFacts, Located } from '../facts.js';

export interface ConnectLimit {
  /** What the limit is, in the config's words: "maxconn 50 on each of 3 servers". */
  what: string;
  /** Concurrent connections it admits. */
  slots: number;
  at: Located<number>;
}

/** Every finite limit on concurrent connections through the backend, smallest first (servers: the UP ones given). */
export function connectLimits(backend: BackendFacts, upServers?: ReadonlySet<string>): ConnectLimit[] {
  const active = backend.servers.filter((s) => !s.backup?.value && (!upServers || upServers.has(s.name)));
  const out: ConnectLimit[] = [];
  if (active.length > 0 && active.every((s) => s.maxconn)) {
    const slots = active.reduce((sum, s) => sum + s.maxconn!.value, 0);
    const values = [...new Set(active.map((s) => s.maxconn!.value))];
    const what =
      values.length === 1
        ? `maxconn ${values[0]} on each of ${active.length} server${active.length > 1 ? 's' : ''}`
        : `server maxconn ${active.map((s) => `${s.name} ${s.maxconn!.value}`).join(', ')}`;
    out.push({ what, slots, at: active[0]!.maxconn! });
  }
  const { frontendMaxconn, globalMaxconn } = backend.limits ?? {};
  if (frontendMaxconn)
    out.push({ what: `frontend maxconn ${frontendMaxconn.value}`, slots: frontendMaxconn.value, at: frontendMaxconn });
  if (globalMaxconn)
    out.push({ what: `global maxconn ${globalMaxconn.value}`, slots: globalMaxconn.value, at: globalMaxconn });
  return out.sort((a, b) => a.slots - b.slots);
}

/** The first limit a test opening `wanted` concurrent connections runs into, if any. */
export function limitReached(
  backend: BackendFacts,
  wanted: number,
  upServers?: ReadonlySet<string>,
): ConnectLimit | undefined {
  return connectLimits(backend, upServers).find((l) => l.slots < wanted);
}

function queueNote(backend: BackendFacts): string {
  const q = backend.limits?.queueTimeoutMs;
  const maxqueue = backend.servers.find((s) => s.maxqueue)?.maxqueue;
  const parts = [
    q
      ? `queued connects wait up to ${q.value} ms (line ${q.line ?? '—'}: \`${q.source ?? 'timeout queue'}\`) and then fail`
      : '',
    maxqueue ? `at most ${maxqueue.value} wait per server (\`maxqueue\`, line ${maxqueue.line ?? '—'})` : '',
  ].filter(Boolean);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/**
 * Explains connect failures by the config's limits: names the limit, its line and the numbers. Without a limit
 * below `wanted` it still says so (the cause is elsewhere), and mentions `rate-limit sessions` when set.
 */
export function saturationFinding(
  backend: BackendFacts,
  file: string | undefined,
  wanted: number,
  connected: number,
  upServers?: ReadonlySet<string>,
): Finding | undefined {
  if (connected >= wanted) return undefined;
  const limit = limitReached(backend, wanted, upServers);
  const rate = backend.limits?.rateLimitSessions;
  if (limit) {
    return {
      severity: 'error',
      title: `${limit.what} = ${limit.slots} connection slots for the ${wanted} clients this test opens: ${connected} connected`,
      detail: `Connects beyond ${limit.slots} queue behind the limit${queueNote(backend)}. The config at line ${limit.at.line ?? '—'}: \`${limit.at.source ?? limit.what}\`.`,
      file,
      line: limit.at.line,
      remedy: `If production clients per balancer exceed ${limit.slots}, raise the limit; otherwise size the test to the config (thresholds.<suite>.clients ≤ ${limit.slots}).`,
    };
  }
  if (rate) {
    return {
      severity: 'error',
      title: `rate-limit sessions ${rate.value}/s: ${connected} of ${wanted} clients connected`,
      detail: `The frontend accepts at most ${rate.value} new sessions per second; ${wanted} clients need at least ${Math.ceil(wanted / rate.value)} s. Line ${rate.line ?? '—'}: \`${rate.source ?? ''}\`.`,
      file,
      line: rate.line,
      remedy:
        'Raise `rate-limit sessions` above the expected reconnect rate (a reconnect storm after a node loss is every client at once).',
    };
  }
  return undefined;
}
