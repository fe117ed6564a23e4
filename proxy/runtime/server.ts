/**
 * Runtime state of one backend server: administrative state (ready/drain/maint), health (up/down),
 * counters, and the sessions currently assigned to it.
 */
import type { BalanceTarget } from '../balance/types.js';
import type { ServerConfig } from '../config/types.js';
import { parseHostPort } from '../util/address.js';

export type AdminState = ServerConfig['state'];
export type ServerStatus = 'UP' | 'DOWN' | 'DRAIN' | 'MAINT';

/** What a server needs to know about a session assigned to it. */
export interface AssignedSession {
  /** Bytes sent to / received from the server so far. */
  serverBytes(): { toServer: number; fromServer: number };
  /** Closes the session (e.g. `on_marked_down shutdown-sessions`). */
  kill(reason: string): void;
}

export class ServerState implements BalanceTarget {
  readonly name: string;
  readonly address: string;
  readonly host: string;
  readonly port: number;
  weight: number;
  maxconn: number | null;
  adminState: AdminState;
  private configState: AdminState;
  /** Result of health checks (true until checks say otherwise, like HAProxy). */
  healthy = true;
  /** HAProxy-style check status: INI, L4OK, L4TOUT, L4CON, L7OK, L7TOUT, L7STS, L7RSP; `''` without checks. */
  checkStatus = 'INI';
  checkDetail = '';
  lastCheckMs = 0;
  lastChange = Date.now();
  current = 0;
  total = 0;
  connectFailures = 0;
  checkFailures = 0;
  downTransitions = 0;
  private bytesInClosed = 0;
  private bytesOutClosed = 0;
  readonly sessions = new Set<AssignedSession>();

  constructor(
    readonly backendName: string,
    cfg: ServerConfig,
  ) {
    const hp = parseHostPort(cfg.address);
    if (!hp) throw new Error(`server ${backendName}/${cfg.name}: bad address ${cfg.address}`);
    this.name = cfg.name;
    this.address = cfg.address;
    this.host = hp.host;
    this.port = hp.port;
    this.weight = cfg.weight;
    this.maxconn = cfg.maxconn;
    this.adminState = cfg.state;
    this.configState = cfg.state;
  }

  get status(): ServerStatus {
    if (this.adminState === 'maint') return 'MAINT';
    if (!this.healthy) return 'DOWN';
    return this.adminState === 'drain' ? 'DRAIN' : 'UP';
  }

  /** UP with a non-zero weight: may receive new connections when not full. */
  get usable(): boolean {
    return this.adminState === 'ready' && this.healthy && this.weight > 0;
  }

  get full(): boolean {
    return this.maxconn !== null && this.current >= this.maxconn;
  }

  setAdminState(state: AdminState): boolean {
    if (state === this.adminState) return false;
    this.adminState = state;
    this.lastChange = Date.now();
    return true;
  }

  setHealthy(healthy: boolean): void {
    this.healthy = healthy;
    this.lastChange = Date.now();
    if (!healthy) this.downTransitions++;
  }

  attach(session: AssignedSession): void {
    this.current++;
    this.total++;
    this.sessions.add(session);
  }

  detach(session: AssignedSession, toServer: number, fromServer: number): void {
    if (!this.sessions.delete(session)) return;
    this.current--;
    this.bytesInClosed += toServer;
    this.bytesOutClosed += fromServer;
  }

  /** Bytes client→server and server→client, including live sessions. */
  bytes(): { bytesIn: number; bytesOut: number } {
    let bytesIn = this.bytesInClosed;
    let bytesOut = this.bytesOutClosed;
    for (const s of this.sessions) {
      const b = s.serverBytes();
      bytesIn += b.toServer;
      bytesOut += b.fromServer;
    }
    return { bytesIn, bytesOut };
  }

  /** Applies a reloaded config entry with the same address; runtime admin changes survive unless `state` changed. */
  applyConfig(cfg: ServerConfig): void {
    this.weight = cfg.weight;
    this.maxconn = cfg.maxconn;
    if (cfg.state !== this.configState) {
      this.configState = cfg.state;
      this.setAdminState(cfg.state);
    }
  }
}
