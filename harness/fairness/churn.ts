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

  const slot = async (i: number): Promise<void> => {
    for (let gen = 0; Date.now() < deadline && result.connects < maxConnects; gen++) {
      const clientId = `${prefix}${i}-${gen}`;
      result.connects++;
      const client = await gate(() => pool.connect(d.endpoints.mqtt, { clientId, localAddress: sourceAddress(i * 31 + gen, o.sourceAddresses) }, 5000)).catch(() => undefined);
      if (!client) {
        result.failures++;
        continue;
      }
      await delay(Math.min(lifetime(), Math.max(0, deadline - Date.now())));
      if (Date.now() >= deadline) {
        result.clients.set(clientId, client);
        return;
      }
      await endClient(client);
    }
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
