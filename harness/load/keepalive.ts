/**
 * MQTT.js' keepalive on a load-engine connection: after CONNACK, a PINGREQ once `keepaliveS` pass without an
 * acknowledgement from the peer, and the link counted dead ("Keepalive timeout") once 1.5 × keepaliveS pass (MQTT.js 5
 * KeepaliveManager: ticks every keepalive / 2, ping at the 2nd, timeout at the 3rd). MQTT.js reschedules it only on
 * the packets in RESCHEDULES (handlers/index.js), not on a PUBLISH received: a subscriber that only receives QoS 0
 * (nothing to acknowledge, so nothing sent) still pings every keepalive, as the broker needs — it counts packets from
 * the client and closes a silent one at 1.5 × keepalive (aedes: "keep alive timeout"), and QoS 0 sent meanwhile is
 * lost. One timer per connection, re-armed only when it fires (a packet just moves `heardAt`).
 */
import * as wire from './wire.js';

export interface KeepaliveState {
  /** performance.now() of the CONNACK or the last packet received that MQTT.js reschedules on (RESCHEDULES). */
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

/** Received packets that move MQTT.js 5's keepalive (mqtt/src/lib/handlers/index.ts; CONNACK arms it). */
const RESCHEDULES: ReadonlySet<string> = new Set([
  'puback',
  'pubrec',
  'pubcomp',
  'suback',
  'unsuback',
  'pubrel',
  'auth',
  'pingresp',
]);

/** A packet of kind `cmd` arrived: moves `heardAt` where MQTT.js reschedules its ping. */
export function heard(k: KeepaliveState, cmd: string): void {
  if (RESCHEDULES.has(cmd)) k.heardAt = performance.now();
}

/** Starts the watchdog (at CONNACK). */
export function armKeepalive(c: Watched): void {
  if (c.keepalive.timer) clearTimeout(c.keepalive.timer);
  c.keepalive.heardAt = performance.now();
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
