/**
 * What a balancing algorithm sees of a server, and what it is asked.
 */
export interface BalanceTarget {
  readonly name: string;
  /** 1..256 (servers of weight 0 are never candidates). */
  readonly weight: number;
  /** Connections currently assigned (including ones still connecting). */
  readonly current: number;
}

export interface PickContext {
  /** Client IP address (source hashing). */
  sourceIp: string;
  /** Client identifier bytes from the MQTT CONNECT; null/empty when absent. */
  clientId?: Buffer | null;
}

export interface Balancer<T extends BalanceTarget> {
  /** Chooses among `candidates` (the servers able to take a new connection now), or undefined if none. */
  pick(candidates: readonly T[], ctx: PickContext): T | undefined;
}

/** `a.current / a.weight < b.current / b.weight` without division. */
export function lessLoaded(a: BalanceTarget, b: BalanceTarget): boolean {
  return a.current * b.weight < b.current * a.weight;
}
