/**
 * The one log line a session writes when it ends (`close`): info for normal ends, warn otherwise.
 */
import type { Logger } from '../util/log.js';

const NORMAL_ENDS = new Set(['client-fin', 'server-fin', 'client-close', 'idle-timeout', 'shutdown']);

export interface SessionCloseFields {
  frontend: string;
  backend: string;
  server: string | null;
  client: string;
  clientId: string | null;
  reason: string;
  detail: string;
  startedAt: number;
  connectMs: number;
  retries: number;
  bytesIn: number;
  bytesOut: number;
}

export function closeLogLevel(reason: string): 'info' | 'warn' {
  return NORMAL_ENDS.has(reason) ? 'info' : 'warn';
}

export function logSessionClose(logger: Logger, f: SessionCloseFields): void {
  logger.log(closeLogLevel(f.reason), 'close', {
    frontend: f.frontend,
    backend: f.backend,
    server: f.server,
    client: f.client,
    clientId: f.clientId,
    reason: f.reason,
    detail: f.detail || undefined,
    durationMs: Date.now() - f.startedAt,
    connectMs: f.connectMs >= 0 ? f.connectMs : undefined,
    retries: f.retries,
    bytesIn: f.bytesIn,
    bytesOut: f.bytesOut,
  });
}
