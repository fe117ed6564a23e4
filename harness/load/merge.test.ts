/** Mergeable load results: HDR histograms encoded, decoded and added exactly; counts and errors summed. */
import { describe, expect, test } from '@jest/globals';
import { PhaseHistograms, PHASES } from './histograms.js';
import { mergeResults, type LoadResult } from './result.js';
import { LoadLedger } from './ledger.js';

function part(seed: number, n: number): PhaseHistograms {
  const h = new PhaseHistograms();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    h.record('connack', (x % 100_000) / 100); // 0 .. 1 s in ms
    if (i % 3 === 0) h.record('e2e', (x % 5000) / 10);
  }
  return h;
}

function result(h: PhaseHistograms, ready: number, ledger: LoadLedger): LoadResult {
  return {
    clients: ready,
    connectRate: 100,
    attempted: ready + 1,
    ready,
    failed: 1,
    reconnects: 0,
    failedReconnects: 0,
    peakConnected: ready,
    attemptsPerS: 95,
    readyPerS: 90,
    rampMs: ready,
    durationMs: ready * 2,
    stoppedBy: 'completed',
    published: 0,
    errors: { counts: { ECONNREFUSED: 1 }, connackCodes: {}, samples: [] },
    limits: { openFilesSoft: 20000, openFilesHard: 20000, ephemeralPorts: 28232 },
    limitsHit: [],
    histograms: h.encode(),
    ledger: ledger.data(),
  };
}

describe('merged load results', () => {
  test('histogram counts add up exactly, bucket by bucket, through encode/decode', () => {
    const parts = [part(1, 5000), part(2, 3000), part(3, 1)];
    const merged = PhaseHistograms.merge(parts.map((p) => p.encode()));
    for (const phase of PHASES) expect(merged.count(phase)).toBe(parts.reduce((a, p) => a + p.count(phase), 0));
    // Percentiles and mean from the merged histogram equal those of one histogram fed every value (max is
    // bucket-resolution once encoded, so the direct sum goes through encode/decode too).
    const direct = part(1, 5000).add(part(2, 3000)).add(part(3, 1));
    const viaEncoding = PhaseHistograms.decode(direct.encode());
    expect(merged.summary()).toEqual(viaEncoding.summary());
    // Bucket by bucket: identical counts encode to identical bytes.
    expect(merged.encode()).toEqual(viaEncoding.encode());
  });

  test('mergeResults sums counts, errors and histograms and keeps every ledger', () => {
    const la = new LoadLedger();
    la.subscriber('a', ['t'], 0);
    const lb = new LoadLedger();
    lb.stream('b/q0', 't', 0);
    const r = mergeResults([result(part(4, 100), 100, la), result(part(5, 250), 250, lb)]);
    expect(r.ready).toBe(350);
    expect(r.attempted).toBe(352);
    expect(r.connectRate).toBe(200);
    expect(r.durationMs).toBe(500);
    expect(r.errors.counts.ECONNREFUSED).toBe(2);
    expect(PhaseHistograms.decode(r.histograms).count('connack')).toBe(350);
    expect(r.ledger.streams).toHaveLength(1);
    expect(r.ledger.subscribers).toHaveLength(1);
  });
});
