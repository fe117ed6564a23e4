/**
 * JSON shapes served by the admin API (stable: the harness reads them).
 */
import type { Backend } from '../runtime/backend.js';
import type { Frontend } from '../runtime/frontend.js';
import type { ServerState, ServerStatus } from '../runtime/server.js';

export interface ServerView {
  backend: string;
  name: string;
  address: string;
  status: ServerStatus;
  checkStatus: string;
  checkDetail: string;
  /** Epoch ms of the last status change. */
  lastChange: number;
  /** Epoch ms of the last completed check (0 = none yet). */
  lastCheck: number;
  current: number;
  total: number;
  bytesIn: number;
  bytesOut: number;
  weight: number;
  maxconn: number | null;
  connectFailures: number;
  checkFailures: number;
  downTransitions: number;
}

export interface FrontendView {
  name: string;
  address: string;
  bind: string;
  tls: boolean;
  backend: string;
  current: number;
  total: number;
  accepted: number;
  rateLimited: number;
  refused: number;
  tlsFailures: number;
  bytesIn: number;
  bytesOut: number;
}

export interface BackendView {
  name: string;
  balance: string;
  queued: number;
  noServer: number;
  queueTimeouts: number;
  serversUp: number;
  servers: number;
}

export function serverView(s: ServerState): ServerView {
  const { bytesIn, bytesOut } = s.bytes();
  return {
    backend: s.backendName,
    name: s.name,
    address: s.address,
    status: s.status,
    checkStatus: s.checkStatus,
    checkDetail: s.checkDetail,
    lastChange: s.lastChange,
    lastCheck: s.lastCheckMs,
    current: s.current,
    total: s.total,
    bytesIn,
    bytesOut,
    weight: s.weight,
    maxconn: s.maxconn,
    connectFailures: s.connectFailures,
    checkFailures: s.checkFailures,
    downTransitions: s.downTransitions,
  };
}

export function frontendView(f: Frontend): FrontendView {
  const { bytesIn, bytesOut } = f.bytes();
  return {
    name: f.name,
    address: f.address,
    bind: f.cfg.bind,
    tls: f.isTls,
    backend: f.cfg.backend,
    current: f.current,
    total: f.total,
    accepted: f.accepted,
    rateLimited: f.rateLimited,
    refused: f.refused,
    tlsFailures: f.tlsFailures,
    bytesIn,
    bytesOut,
  };
}

export function backendView(b: Backend): BackendView {
  return {
    name: b.name,
    balance: b.cfg.balance,
    queued: b.queue.length,
    noServer: b.noServer,
    queueTimeouts: b.queueTimeouts,
    serversUp: b.servers.filter((s) => s.status === 'UP').length,
    servers: b.servers.length,
  };
}
