/**
 * The engine process's own limits that bound a load run: the open-files limit (one descriptor per connection;
 * Node cannot raise its soft limit, so it is read and reported, and EMFILE is named as this limit) and the
 * ephemeral source-port range per source address.
 */
import { readFileSync } from 'node:fs';

export interface ProcessLimits {
  openFilesSoft: number | null;
  openFilesHard: number | null;
  /** Ports per source address: ip_local_port_range high − low + 1. */
  ephemeralPorts: number | null;
}

function limitValue(raw: string | undefined): number | null {
  if (raw === undefined || raw === 'unlimited') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export function processLimits(): ProcessLimits {
  let soft: number | null = null;
  let hard: number | null = null;
  let ports: number | null = null;
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    soft = limitValue(m?.[1]);
    hard = limitValue(m?.[2]);
  } catch {
    /* not Linux */
  }
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo !== undefined && hi !== undefined) ports = hi - lo + 1;
  } catch {
    /* not Linux */
  }
  return { openFilesSoft: soft, openFilesHard: hard, ephemeralPorts: ports };
}

/** The named limits a run hit, from its error classes (empty when none). */
export function limitsHit(counts: Partial<Record<string, number>>, limits: ProcessLimits): string[] {
  const out: string[] = [];
  if (counts['EMFILE'])
    out.push(
      `engine open-files limit: ${counts['EMFILE']} × EMFILE (soft ${limits.openFilesSoft ?? '?'}, hard ${limits.openFilesHard ?? '?'}; one descriptor per connection)`,
    );
  if (counts['EADDRNOTAVAIL'])
    out.push(
      `source ports: ${counts['EADDRNOTAVAIL']} × EADDRNOTAVAIL (${limits.ephemeralPorts ?? '?'} ephemeral ports per source address; use more source addresses)`,
    );
  return out;
}
