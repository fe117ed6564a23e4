/**
 * What the harness can see of a running open-source NGINX: its `stub_status` page (connections, accepts, requests —
 * totals, never per server) and its pid file. Open-source NGINX has no API that reports the state of each upstream
 * server (up, down, failed checks, sessions per server: NGINX Plus only), so this view says so instead of guessing.
 */
import { readFileSync } from 'node:fs';
import type { BalancerServerState, BalancerView } from '../../types.js';

/** The plain statement of what NGINX cannot report (the skip reason of tests that need a per-server view). */
export const NGINX_VIEW_LACKS =
  'open-source NGINX does not report the state of each upstream server (up/down, failures, sessions per server: the API and `health_check` are NGINX Plus only); the harness sees only the totals of its stub_status page';

/** The `stub_status` page's numbers. */
export interface StubStatus {
  active: number;
  accepts: number;
  handled: number;
  requests: number;
  reading: number;
  writing: number;
  waiting: number;
}

/** Reads a stub_status page; undefined when the text is not one. */
export function parseStubStatus(text: string): StubStatus | undefined {
  const active = /Active connections:\s*(\d+)/.exec(text)?.[1];
  const totals = /\n\s*(\d+)\s+(\d+)\s+(\d+)\s*\n/.exec(text);
  const rw = /Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(text);
  if (!active || !totals || !rw) return undefined;
  return {
    active: Number(active),
    accepts: Number(totals[1]),
    handled: Number(totals[2]),
    requests: Number(totals[3]),
    reading: Number(rw[1]),
    writing: Number(rw[2]),
    waiting: Number(rw[3]),
  };
}

/** GET the stub_status page at `url`: its numbers and the answering worker's pid; undefined while not answering. */
export async function fetchStubStatus(url: string): Promise<{ status: StubStatus; workerPid: number } | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined); // not answering yet
  if (!res?.ok) return undefined;
  const status = parseStubStatus(await res.text());
  return status && { status, workerPid: Number(res.headers.get('x-nginx-worker') ?? 0) };
}

/** The master's pid from its pid file; undefined while the file is absent (not started yet, or in a container). */
export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** One line for reports: what the stub_status page shows, and what NGINX cannot show. */
export function describeStubStatus(s: StubStatus): string {
  return `NGINX stub_status: ${s.active} active connection(s) (reading ${s.reading}, writing ${s.writing}, waiting ${s.waiting}), ${s.accepts} accepted, ${s.handled} handled, ${s.requests} request(s) — totals only: ${NGINX_VIEW_LACKS}`;
}

export class NginxView implements BalancerView {
  readonly lacks = NGINX_VIEW_LACKS;
  constructor(private readonly statusUrl: string) {}

  /** The stub_status numbers; throws when the page does not answer. */
  async status(): Promise<StubStatus> {
    const got = await fetchStubStatus(this.statusUrl);
    if (!got) throw new Error(`NGINX stub_status ${this.statusUrl} did not answer`);
    return got.status;
  }

  /** Rejects: per-server state is what NGINX cannot report; the error says so, with the totals it does show. */
  async servers(): Promise<BalancerServerState[]> {
    const got = await fetchStubStatus(this.statusUrl);
    throw new Error(got ? describeStubStatus(got.status) : NGINX_VIEW_LACKS);
  }
}
