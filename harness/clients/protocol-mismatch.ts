/**
 * The typed error of an MQTT connect that met something other than MQTT (or a silent close before any byte),
 * with the explanation from the balancer config when one was found.
 */
import type { Finding } from '../report/summary-types.js';
import type { HostPort } from '../types.js';
import { describeSeen, type FirstBytes, type SeenProtocol } from './first-bytes.js';

/** `nothing`: the connection closed before the server sent any byte. */
export type MismatchSeen = Exclude<SeenProtocol, 'mqtt'> | 'nothing';

export class ProtocolMismatchError extends Error {
  readonly seen: MismatchSeen;
  readonly detail: string;
  readonly firstLine?: string;
  /** The finding that explains it from the balancer config (set by the client pool's diagnostics). */
  explanation?: Finding;

  constructor(
    readonly target: HostPort,
    first: FirstBytes | undefined,
    readonly mqttError?: Error,
  ) {
    const where = `${target.host}:${target.port}`;
    super(
      first
        ? `${where} answered MQTT CONNECT with ${describeSeen(first)}${mqttError ? ` (the client said: ${mqttError.message})` : ''}`
        : `${where} closed the connection without answering MQTT CONNECT (no byte received)`,
    );
    this.name = 'ProtocolMismatchError';
    this.seen = first ? (first.seen as Exclude<SeenProtocol, 'mqtt'>) : 'nothing';
    this.detail = first?.detail ?? 'connection closed, no byte received';
    this.firstLine = first?.firstLine;
  }

  /** Adds the config explanation to the error, so a test's failure message says what the finding says. */
  explain(f: Finding): void {
    this.explanation = f;
    const where = f.file ? ` [${f.file}${f.line ? `:${f.line}` : ''}]` : '';
    this.message += `\n  → ${f.title}${where}${f.detail ? `: ${f.detail}` : ''}${f.remedy ? `\n  fix: ${f.remedy}` : ''}`;
  }
}

export function isProtocolMismatch(err: unknown): err is ProtocolMismatchError {
  return err instanceof ProtocolMismatchError;
}
