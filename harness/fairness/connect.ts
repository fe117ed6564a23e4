/**
 * Many MQTT clients through the balancer with bounded concurrency, each from a chosen source address
 * (127.0.2.x on the local runtime, for source-hash balancing), and their orderly shutdown.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { ClientPool } from '../clients/mqtt.js';
import type { HostPort } from '../types.js';

/** Source addresses for clients: 127.0.2.1 … 127.0.2.254 (free on the local runtime, see README). */
export const MAX_SOURCE_ADDRESSES = 254;

/** The source address of client `i` when `count` distinct addresses are in use (round robin over them). */
export function sourceAddress(i: number, count: number): string {
  const n = Math.max(1, Math.min(MAX_SOURCE_ADDRESSES, count));
  return `127.0.2.${(i % n) + 1}`;
}

export interface ClientSpec extends IClientOptions {
  clientId: string;
  localAddress?: string;
}

export interface ConnectOutcome {
  clients: Map<string, MqttClient>;
  failures: Array<{ clientId: string; error: string }>;
  /** Specs never tried because the budget was spent (connects were queuing or timing out). */
  notAttempted: number;
}

/** Connects are not started after this long, so a test behind a saturated balancer ends with a finding, not Jest's timeout. */
export const CONNECT_BUDGET_MS = 35_000;

/** Connects every spec (at most `concurrency` in flight, none started after `budgetMs`); failures are collected, not thrown. */
export async function connectAll(
  pool: ClientPool,
  target: HostPort,
  specs: readonly ClientSpec[],
  concurrency = 20,
  timeoutMs = 10_000,
  budgetMs = CONNECT_BUDGET_MS,
): Promise<ConnectOutcome> {
  const out: ConnectOutcome = { clients: new Map(), failures: [], notAttempted: 0 };
  const deadline = Date.now() + budgetMs;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      if (Date.now() >= deadline) {
        const skipped = specs.slice(next);
        next = specs.length;
        out.notAttempted += skipped.length;
        for (const spec of skipped)
          out.failures.push({
            clientId: spec.clientId,
            error: `not attempted: the ${budgetMs / 1000} s connect budget was spent (connects were queuing or timing out)`,
          });
        return;
      }
      const spec = specs[next++]!;
      try {
        out.clients.set(spec.clientId, await pool.connect(target, spec, timeoutMs));
      } catch (err) {
        out.failures.push({ clientId: spec.clientId, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, worker));
  return out;
}

export function endClient(c: MqttClient): Promise<void> {
  return new Promise((resolve) => c.end(true, {}, () => resolve()));
}

export async function endAll(clients: Iterable<MqttClient>): Promise<void> {
  await Promise.all([...clients].map(endClient));
}
