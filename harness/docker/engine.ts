/**
 * Docker engine helpers: availability check that never hangs, image presence, run labels and sweeping.
 *
 * Every container and network a run creates carries `mqtt-lb.run=<runId>` (plus the owner's pid and host), since
 * Ryuk is off (env.ts): `sweepRun()` in `finally`, `sweepStaleRuns()` at startup for what crashed runs left.
 */
import './env.js';
import os from 'node:os';
import Docker from 'dockerode';
import { getContainerRuntimeClient } from 'testcontainers';

export const RUN_LABEL = 'mqtt-lb.run';
export const RUN_PID_LABEL = 'mqtt-lb.pid';
export const RUN_HOST_LABEL = 'mqtt-lb.host';

/** Timeout for the engine calls made here (a mute daemon must not hang a run). */
const CALL_TIMEOUT_MS = 15_000;

let shared: Docker | undefined;
/** A dockerode client (honours DOCKER_HOST) with a per-request timeout; not for long streams or builds. */
export function docker(): Docker {
  shared ??= new Docker({ timeout: CALL_TIMEOUT_MS });
  return shared;
}

export type EngineCheck =
  { ok: true; version: string; apiVersion: string; ms: number } | { ok: false; reason: string; ms: number };

function errText(e: unknown): string {
  const err = e as { code?: string; statusCode?: number; message?: string };
  return `${err.code ?? err.statusCode ?? ''} ${err.message ?? String(e)}`.trim();
}

/**
 * Whether a Docker engine answers (testcontainers.md §7): dockerode ping + version bounded by `timeoutMs`, then
 * testcontainers' own discovery raced against the same timeout. Never throws, never hangs (~30 ms when up).
 */
export async function dockerAvailable(timeoutMs = 1500): Promise<EngineCheck> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const d = new Docker({ timeout: timeoutMs });
    await d.ping();
    const v = await d.version();
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('testcontainers runtime discovery timed out')), timeoutMs);
        timer.unref();
      }),
    ]);
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion, ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, reason: errText(e), ms: Date.now() - t0 };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** True when the local engine has the image (never pulls). False when missing or when the engine is unreachable. */
export async function imageAvailable(name: string): Promise<boolean> {
  try {
    await docker().getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The images of `names` that the local engine lacks. */
export async function missingImages(names: readonly string[]): Promise<string[]> {
  const have = await Promise.all(names.map((n) => imageAvailable(n)));
  return names.filter((_, i) => !have[i]);
}

/** Labels to put on everything a run creates. */
export function runLabels(runId: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [RUN_PID_LABEL]: String(process.pid), [RUN_HOST_LABEL]: os.hostname() };
}

/**
 * Default liveness test for `sweepStaleRuns`: the owner process recorded in the labels still exists on this host.
 * Runs from another host (or without a pid label) count as alive: we cannot tell.
 */
export function ownerProcessAlive(_runId: string, labels: Record<string, string>): boolean {
  const pid = Number(labels[RUN_PID_LABEL]);
  if (!Number.isInteger(pid) || pid <= 0 || labels[RUN_HOST_LABEL] !== os.hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepResult {
  containers: number;
  networks: number;
  errors: string[];
}

function ignorable(e: unknown): boolean {
  const s = (e as { statusCode?: number }).statusCode;
  // 404 gone already; 409 removal already in progress
  return s === 404 || s === 409;
}

/** Remove every container (force, with volumes) and then every network labelled with `runId`. Never throws. */
export async function sweepRun(runId: string): Promise<SweepResult> {
  const d = docker();
  const filter = { label: [`${RUN_LABEL}=${runId}`] };
  const result: SweepResult = { containers: 0, networks: 0, errors: [] };
  try {
    const containers = await d.listContainers({ all: true, filters: filter });
    await Promise.all(
      containers.map(async (c) => {
        try {
          await d.getContainer(c.Id).remove({ force: true, v: true });
          result.containers++;
        } catch (e) {
          if (!ignorable(e)) result.errors.push(`container ${c.Id.slice(0, 12)}: ${errText(e)}`);
        }
      }),
    );
  } catch (e) {
    result.errors.push(`list containers: ${errText(e)}`);
  }
  try {
    const networks = await d.listNetworks({ filters: filter });
    for (const n of networks) {
      const net = d.getNetwork(n.Id);
      try {
        await net.remove();
        result.networks++;
      } catch (e) {
        if (ignorable(e)) continue;
        // 403 "has active endpoints": something outside the run is still attached; detach it and retry once
        try {
          const info = (await net.inspect()) as { Containers?: Record<string, unknown> };
          for (const id of Object.keys(info.Containers ?? {})) {
            await net.disconnect({ Container: id, Force: true }).catch(() => undefined); // gone already; the retry reports
          }
          await net.remove();
          result.networks++;
        } catch (e2) {
          if (!ignorable(e2)) result.errors.push(`network ${n.Name}: ${errText(e2)}`);
        }
      }
    }
  } catch (e) {
    result.errors.push(`list networks: ${errText(e)}`);
  }
  return result;
}

/** Run ids present on the engine (containers or networks carrying `mqtt-lb.run`), with the labels seen. */
export async function listRuns(): Promise<Map<string, Record<string, string>>> {
  const d = docker();
  const runs = new Map<string, Record<string, string>>();
  const filter = { label: [RUN_LABEL] };
  const [containers, networks] = await Promise.all([
    d.listContainers({ all: true, filters: filter }),
    d.listNetworks({ filters: filter }),
  ]);
  for (const labels of [...containers.map((c) => c.Labels), ...networks.map((n) => n.Labels ?? {})]) {
    const id = labels[RUN_LABEL];
    if (id && !runs.has(id)) runs.set(id, labels);
  }
  return runs;
}

/**
 * Sweep every run whose owner is gone. `isAlive` decides per run id (the labels of one of its objects are passed
 * too; `ownerProcessAlive` is a reasonable default). Returns the swept run ids. Never throws.
 */
export async function sweepStaleRuns(
  isAlive: (runId: string, labels: Record<string, string>) => boolean | Promise<boolean>,
): Promise<{ swept: string[]; errors: string[] }> {
  const out = { swept: [] as string[], errors: [] as string[] };
  let runs: Map<string, Record<string, string>>;
  try {
    runs = await listRuns();
  } catch (e) {
    out.errors.push(`list runs: ${errText(e)}`);
    return out;
  }
  for (const [runId, labels] of runs) {
    let alive = true;
    try {
      alive = await isAlive(runId, labels);
    } catch (e) {
      out.errors.push(`isAlive(${runId}): ${errText(e)}`);
    }
    if (alive) continue;
    const r = await sweepRun(runId);
    out.swept.push(runId);
    out.errors.push(...r.errors);
  }
  return out;
}

/** Strip docker's 8-byte multiplexing frame headers (non-TTY containers) from a logs buffer. */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const stream = buf[i];
    const size = buf.readUInt32BE(i + 4);
    if (stream > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0 || i + 8 + size > buf.length) {
      return buf.toString('utf8'); // not multiplexed (TTY) or truncated: plain text
    }
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i < buf.length) parts.push(buf.subarray(i));
  return Buffer.concat(parts).toString('utf8');
}

/** The last `tail` lines of a container's stdout+stderr, also for exited containers ('' if it is gone). */
export async function containerLogs(id: string, tail = 50): Promise<string> {
  try {
    const raw = (await docker().getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false })) as unknown;
    return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  } catch {
    return '';
  }
}
