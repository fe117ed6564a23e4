/**
 * Churn: a population of client "slots", each connecting, living a random lifetime, disconnecting and
 * connecting again, for a bounded time (and a bounded number of connects). The live distribution is
 * sampled meanwhile; at the end every slot keeps its last client, which is the final live population.
 */
import type { MqttClient } from 'mqtt';
import type { ClientPool } from '../clients/mqtt.js';
import type { Deployment } from '../types.js';
import { delay } from '../util/wait.js';
import { endClient, sourceAddress } from './connect.js';
import { balancerCounts, liveConnections } from './observe.js';
import type { Counts } from './stats.js';

export interface ChurnOptions {
  durationMs: number;
  clients: number;
  lifetimeMs: [number, number];
  sourceAddresses: number;
  concurrency: number;
  sampleEveryMs?: number;
  random?: () => number;
}

export interface ChurnSample {
  t: number;
  live: Counts;
  balancer?: Counts;
}

export interface ChurnResult {
  /** The last client of every slot (still connected). */
  clients: Map<string, MqttClient>;
  connects: number;
  failures: number;
  samples: ChurnSample[];
}

/** At most `limit` callers inside at once. */
function semaphore(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= limit) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export async function runChurn(d: Deployment, pool: ClientPool, prefix: string, o: ChurnOptions): Promise<ChurnResult> {
  const random = o.random ?? Math.random;
  const started = Date.now();
  const deadline = started + o.durationMs;
  const maxConnects = o.clients * 50;
  const gate = semaphore(o.concurrency);
  const result: ChurnResult = { clients: new Map(), connects: 0, failures: 0, samples: [] };
  const lifetime = (): number => o.lifetimeMs[0] + random() * (o.lifetimeMs[1] - o.lifetimeMs[0]);

  const connect = async (i: number, gen: number): Promise<{ clientId: string; client: MqttClient } | undefined> => {
    const clientId = `${prefix}${i}-${gen}`;
    result.connects++;
    const client = await gate(() =>
      pool.connect(d.endpoints.mqtt, { clientId, localAddress: sourceAddress(i * 31 + gen, o.sourceAddresses) }, 5000),
    ).catch(() => undefined); // counted as a failure just below
    if (!client) result.failures++;
    return client && { clientId, client };
  };
  const slot = async (i: number): Promise<void> => {
    let gen = 0;
    for (; Date.now() < deadline && result.connects < maxConnects; gen++) {
      const c = await connect(i, gen);
      if (!c) continue;
      await delay(Math.min(lifetime(), Math.max(0, deadline - Date.now())));
      if (Date.now() >= deadline) {
        result.clients.set(c.clientId, c.client);
        return;
      }
      await endClient(c.client);
    }
    // The deadline passed while this slot was between clients: it still ends with one live client.
    const last = await connect(i, gen);
    if (last) result.clients.set(last.clientId, last.client);
  };

  let sampling = true;
  const sampler = async (): Promise<void> => {
    while (sampling) {
      const [live, balancer] = await Promise.all([liveConnections(d), balancerCounts(d)]);
      result.samples.push({ t: Date.now() - started, live, ...(balancer ? { balancer } : {}) });
      await delay(o.sampleEveryMs ?? 500);
    }
  };
  const sampling$ = sampler();
  await Promise.all(Array.from({ length: o.clients }, (_, i) => slot(i)));
  sampling = false;
  await sampling$;
  return result;
}
