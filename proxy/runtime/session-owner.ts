/** The contract between a session and the frontend that accepted its client connection. */
import type { ToxicCollection } from '../toxics/collection.js';
import type { Logger } from '../util/log.js';
import type { Backend } from './backend.js';

/** A session as its owner sees it when it ends (session.ts's Session; an interface keeps the import one-way). */
export interface OwnedSession {
  readonly backend: Backend;
}

/** What a session needs from its frontend. */
export interface SessionOwner {
  readonly logger: Logger;
  readonly name: string;
  readonly inspectMqtt: boolean;
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** The proxy's toxics (Toxiproxy API); empty = direct forwarding. */
  readonly toxics: ToxicCollection;
  sessionEnded(session: OwnedSession, bytesIn: number, bytesOut: number): void;
}
