/**
 * Client-side events of one auto-reconnecting MQTT client, with timestamps: connection attempts,
 * CONNACKs (with sessionPresent), closes and errors. From them: when a client was cut off, when it
 * was back, and what each attempt in between ended with. Meanings are MQTT.js' events: 'attempt' = a re-attempt
 * starts (its 'reconnect'; not the first connect), 'connack' = CONNACK accepted ('connect', which MQTT.js emits only
 * after replaying its in-flight QoS 1/2 messages one acknowledgement at a time), 'connack-wire' = an accepting
 * CONNACK packet's arrival itself, 'close' = the connection of an attempt closed (also a failed attempt's), 'error' =
 * what the client reported meanwhile. The load-engine fleet client records the same kinds at the same moments
 * (harness/failover/engine-client.ts).
 */
import type { IConnackPacket, MqttClient, Packet } from 'mqtt';

export type ClientEventKind = 'attempt' | 'connack' | 'connack-wire' | 'close' | 'error';

export interface ClientEvent {
  at: number;
  kind: ClientEventKind;
  detail?: string;
  sessionPresent?: boolean;
}

export interface AttemptOutcome {
  at: number;
  /** 'connack' = accepted; 'closed' = the connection closed before any CONNACK; 'pending' = still open at the end. */
  outcome: 'connack' | 'closed' | 'pending';
  durationMs: number;
  /** Errors the client reported during the attempt (e.g. "connack timeout", "ECONNREFUSED"). */
  errors: string[];
}

export class ClientEvents {
  readonly events: ClientEvent[] = [];

  /** `client`: an MQTT.js client whose events to record; without it the owner calls record(). */
  constructor(
    readonly clientId: string,
    client?: MqttClient,
    private readonly maxEvents = 2000,
  ) {
    if (client) this.watch(client);
  }

  record(kind: ClientEventKind, extra: { detail?: string; sessionPresent?: boolean } = {}, at = Date.now()): void {
    if (this.events.length < this.maxEvents) this.events.push({ at, kind, ...extra });
  }

  /** Records an MQTT.js client's 'reconnect', 'connect', 'close' and 'error' events. */
  watch(client: MqttClient): void {
    const onReconnect = (): void => this.record('attempt');
    const onConnect = (packet: IConnackPacket): void =>
      this.record('connack', { sessionPresent: packet.sessionPresent });
    const onPacket = (packet: Packet): void => {
      // Accepted only (v3 returnCode / v5 reasonCode 0): a refusal is followed by an error and a close instead.
      if (packet.cmd === 'connack' && !(packet.returnCode ?? packet.reasonCode))
        this.record('connack-wire', { sessionPresent: packet.sessionPresent });
    };
    const onClose = (): void => this.record('close');
    const onError = (err: Error): void => this.record('error', { detail: err.message });
    client.on('reconnect', onReconnect);
    client.on('connect', onConnect);
    client.on('packetreceive', onPacket);
    client.on('close', onClose);
    client.on('error', onError);
  }

  /** The first event of this kind at or after `since`. */
  firstAfter(kind: ClientEventKind, since: number): ClientEvent | undefined {
    return this.events.find((e) => e.kind === kind && e.at >= since);
  }

  /** The last event of this kind before `at`. */
  lastBefore(kind: ClientEventKind, at: number): ClientEvent | undefined {
    return this.events.filter((e) => e.kind === kind && e.at < at).at(-1);
  }

  /** Every reconnect attempt that started in [from, to), with how it ended. */
  attempts(from: number, to: number, now = Date.now()): AttemptOutcome[] {
    const out: AttemptOutcome[] = [];
    this.events.forEach((e, i) => {
      if (e.kind !== 'attempt' || e.at < from || e.at >= to) return;
      const rest = this.events.slice(i + 1);
      const end = rest.find((x) => x.kind === 'connack' || x.kind === 'close' || x.kind === 'attempt');
      const errors = rest
        .slice(0, end ? rest.indexOf(end) : undefined)
        .filter((x) => x.kind === 'error')
        .map((x) => x.detail ?? 'error');
      const outcome = end?.kind === 'connack' ? 'connack' : end ? 'closed' : 'pending';
      out.push({ at: e.at, outcome, durationMs: (end?.at ?? now) - e.at, errors });
    });
    return out;
  }
}
