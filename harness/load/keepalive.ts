/**
 * MQTT.js' keepalive on a load-engine connection: after CONNACK, a PINGREQ once `keepaliveS` pass without a packet
 * from the peer, and the link counted dead ("Keepalive timeout") once 1.5 × keepaliveS pass (MQTT.js 5
 * KeepaliveManager: ticks every keepalive / 2, ping at the 2nd, timeout at the 3rd, rescheduled by every packet
 * received). One timer per connection, re-armed only when it fires (a packet just moves `heardAt`).
 */
import * as wire from './wire.js';

export interface KeepaliveState {
  /** performance.now() of the last packet received. */
  heardAt: number;
  timer: NodeJS.Timeout | null;
}

/** What the watchdog needs of a connection. */
export interface Watched {
  readonly keepalive: KeepaliveState;
  readonly state: string;
  readonly session: { keepaliveS: number };
  socket: { write(b: Buffer): unknown } | null;
  fail(cls: 'keepalive', detail: string): void;
}

/** What to do `quietMs` after the last packet: wait (until the next step), ping, or give up. */
export function keepaliveStep(
  keepaliveS: number,
  quietMs: number,
): { action: 'wait' | 'ping' | 'dead'; nextMs: number } {
  const k = keepaliveS * 1000;
  if (quietMs >= 1.5 * k) return { action: 'dead', nextMs: 0 };
  if (quietMs >= k) return { action: 'ping', nextMs: Math.ceil(1.5 * k - quietMs) };
  return { action: 'wait', nextMs: Math.ceil(k - quietMs) };
}

/** Starts the watchdog (at CONNACK: the packet just heard). */
export function armKeepalive(c: Watched): void {
  if (c.keepalive.timer) clearTimeout(c.keepalive.timer);
  c.keepalive.timer = setTimeout(onKeepaliveTimer, c.session.keepaliveS * 1000, c);
}

function onKeepaliveTimer(c: Watched): void {
  c.keepalive.timer = null;
  if (c.state !== 'ready' && c.state !== 'subscribing') return;
  const step = keepaliveStep(c.session.keepaliveS, performance.now() - c.keepalive.heardAt);
  if (step.action === 'dead') return c.fail('keepalive', 'Keepalive timeout');
  if (step.action === 'ping') c.socket?.write(wire.PINGREQ);
  c.keepalive.timer = setTimeout(onKeepaliveTimer, step.nextMs, c);
}
