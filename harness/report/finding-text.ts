/** Findings as plain text (JUnit failure bodies, console output). */
import type { Finding } from './summary-types.js';

export function findingLocation(finding: Finding): string | undefined {
  if (!finding.file) return finding.line !== undefined ? `line ${finding.line}` : undefined;
  return finding.line !== undefined ? `${finding.file}:${finding.line}` : finding.file;
}

/**
 * [ERROR] Clients stick to node1
 *   why:    `balance source` hashes the client address; every test client comes from 127.0.0.1
 *   where:  haproxy.cfg:12
 *   remedy: use `balance leastconn` or `balance roundrobin`
 */
export function findingToText(finding: Finding): string {
  const lines = [`[${finding.severity.toUpperCase()}] ${finding.title}`];
  if (finding.detail) lines.push(`  why:    ${finding.detail}`);
  const location = findingLocation(finding);
  if (location) lines.push(`  where:  ${location}`);
  if (finding.remedy) lines.push(`  remedy: ${finding.remedy}`);
  return lines.join('\n');
}
