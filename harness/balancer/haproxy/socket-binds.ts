/**
 * Moves a `bind` on a unix socket (`/path.sock`, `unix@/path.sock`) or an abstract socket (`abns@name`) to a socket
 * owned by the run, so the user's path is never created, replaced or removed; such frontends are never MQTT endpoints.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** True for bind addresses that are sockets the harness can move (unix path, unix@, abns@). */
export function isMovableSocketBind(addr: string): boolean {
  return addr.startsWith('/') || addr.startsWith('unix@') || addr.startsWith('abns@');
}

/** True for bind addresses the harness cannot move (inherited file descriptors, socket pairs). */
export function isInheritedSocketBind(addr: string): boolean {
  return addr.startsWith('fd@') || addr.startsWith('sockpair@');
}

/**
 * The run's replacement for a socket bind address: unix sockets → `<socketDir>/bind-<line>[-<n>].sock` (short, under
 * the 108-byte limit of socket paths for usual run dirs); abstract sockets → a name unique to the run directory.
 */
export function runSocketFor(addr: string, line: number, nth: number, socketDir: string): string {
  const suffix = nth ? `-${nth + 1}` : '';
  if (addr.startsWith('abns@')) {
    const tag = createHash('sha256').update(socketDir).digest('hex').slice(0, 10);
    return `abns@mqtt-lb-${tag}-${addr.slice('abns@'.length)}`;
  }
  const file = path.join(socketDir, `bind-${line}${suffix}.sock`);
  return addr.startsWith('unix@') ? `unix@${file}` : file;
}
