/**
 * What the bench reads from the processes: CPU seconds (utime + stime of /proc/<pid>/stat, all threads,
 * CLK_TCK 100) and resident memory (VmRSS of /proc/<pid>/status); latency histograms (HdrHistogram, µs).
 */
import { readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';

const CLK_TCK = 100;

/** CPU seconds used so far by process `pid` (user + system, every thread). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces; the fields after its closing parenthesis start at field 3.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / CLK_TCK;
}

/** Resident set size of `pid` in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** CPU seconds of several processes between start() and stop(). */
export class CpuMeter {
  private readonly start: number[];
  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuSeconds);
  }
  /** Seconds used per pid since construction. */
  used(): number[] {
    return this.pids.map((pid, i) => round(cpuSeconds(pid) - this.start[i]!, 2));
  }
}

/** A latency histogram in microseconds, 1 µs .. 10 s, 3 significant digits. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export interface LatencySummary {
  count: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
}

export function summarize(h: hdr.Histogram): LatencySummary {
  return {
    count: h.totalCount,
    p50_us: h.getValueAtPercentile(50),
    p90_us: h.getValueAtPercentile(90),
    p99_us: h.getValueAtPercentile(99),
    max_us: h.maxValue,
  };
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** a / b, or null when b is not a positive number (a ratio that cannot be formed is not a pass). */
export function ratio(a: number, b: number): number | null {
  return b > 0 && Number.isFinite(a) ? round(a / b, 3) : null;
}
