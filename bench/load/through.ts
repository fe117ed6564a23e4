/**
 * bench:load "through each balancer": the engine's connects/s directly to the three nodes and through HAProxy and
 * TS-proxy in front of them (each in a fresh client process, warm-up then a measured batch of idle connections,
 * rounds in alternating order, medians), the ratio of each balancer to direct; optionally a hold through each
 * (--hold-through N: one engine process ramps to N connections through the balancer).
 */
import type { Target } from '../../harness/load/connection.js';
import { addressesFor } from '../../harness/load/addresses.js';
import type { Job } from './client-process.js';
import type { BenchBalancers } from './balancers.js';

export type RunJob = (job: Job) => Promise<Record<string, unknown>>;

export interface ThroughPlan {
  rounds: number;
  warm: number;
  count: number;
  concurrency: number;
  hold: number;
  holdRate: number;
}

export interface ThroughFigures {
  connects_per_s: { direct: number; haproxy: number; 'ts-proxy': number };
  /** Engine connects/s through each balancer ÷ direct. */
  through_ratio: { haproxy: number | null; 'ts-proxy': number | null };
  rounds: Array<{ path: string; connects_per_s: number; failed: number }>;
  hold: Record<string, Record<string, unknown>> | null;
}

type PathName = 'direct' | 'haproxy' | 'ts-proxy';

const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};
const ratio = (a: number, b: number): number | null =>
  b > 0 && Number.isFinite(a) ? Math.round((a / b) * 1000) / 1000 : null;

export async function measureThrough(
  direct: Target[],
  lb: BenchBalancers,
  plan: ThroughPlan,
  run: RunJob,
  log: (line: string) => void,
): Promise<ThroughFigures> {
  const targets: Record<PathName, Target[]> = { direct, haproxy: [lb.haproxy], 'ts-proxy': [lb.tsProxy] };
  const order: PathName[] = ['direct', 'haproxy', 'ts-proxy'];
  const rounds: ThroughFigures['rounds'] = [];
  for (let r = 0; r < plan.rounds; r++) {
    for (const path of r % 2 === 0 ? order : [...order].reverse()) {
      const f = await run({
        mode: 'idle',
        kind: 'engine',
        targets: targets[path],
        warm: plan.warm,
        count: plan.count,
        concurrency: plan.concurrency,
      });
      const row = { path, connects_per_s: Number(f['connects_per_s']), failed: Number(f['failed']) };
      rounds.push(row);
      log(`through ${r + 1}: ${path}: ${row.connects_per_s} connects/s, ${row.failed} failed`);
    }
  }
  const per = (p: PathName): number => median(rounds.filter((x) => x.path === p).map((x) => x.connects_per_s));
  const cps = { direct: per('direct'), haproxy: per('haproxy'), 'ts-proxy': per('ts-proxy') };
  let hold: ThroughFigures['hold'] = null;
  if (plan.hold > 0) {
    hold = {};
    for (const path of ['haproxy', 'ts-proxy'] as const) {
      log(`hold through ${path}: ramping to ${plan.hold} connections at ${plan.holdRate}/s …`);
      hold[path] = await run({
        mode: 'hold',
        targets: targets[path],
        clients: plan.hold,
        connectRate: plan.holdRate,
        sourceAddresses: addressesFor(plan.hold),
        deadlineMs: 100_000,
      });
      log(`hold through ${path}: held ${String(hold[path]['held'])} of ${plan.hold}`);
    }
  }
  return {
    connects_per_s: cps,
    through_ratio: { haproxy: ratio(cps.haproxy, cps.direct), 'ts-proxy': ratio(cps['ts-proxy'], cps.direct) },
    rounds,
    hold,
  };
}
