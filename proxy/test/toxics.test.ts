/**
 * Unit: each toxic's stream transform on a manual clock (deterministic: no real timers, fixed randomness),
 * and the REST body validation (Toxiproxy defaults and errors).
 */
import { describe, expect, test } from '@jest/globals';
import { bandwidthToxic } from '../toxics/bandwidth.js';
import { latencyToxic } from '../toxics/latency.js';
import { limitDataToxic } from '../toxics/limit-data.js';
import { ApiError, toxicFromBody, updatedToxic } from '../toxics/registry.js';
import { resetPeerToxic } from '../toxics/reset-peer.js';
import { slicePoints, slicerToxic } from '../toxics/slicer.js';
import { slowCloseToxic } from '../toxics/slow-close.js';
import { timeoutToxic } from '../toxics/timeout.js';
import type { Chunk, Stage, StageOutput, ToxicEnv, ToxicKind } from '../toxics/types.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told; timers fire in time order. */
class ManualEnv implements ToxicEnv {
  t = 0;
  private timers: Timer[] = [];
  private seq = 0;
  constructor(private readonly draw: () => number = () => 0.5) {}
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(timer: unknown): void {
    this.timers = this.timers.filter((x) => x !== timer);
  }
  random(): number {
    return this.draw();
  }
  /** Moves the clock to `until`, firing every timer due on the way. */
  advanceTo(until: number): void {
    for (;;) {
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = until;
  }
}

type Event = { t: number; kind: 'data'; bytes: string; at: number } | { t: number; kind: 'end' | 'close' | 'reset' };

/** Records what a stage outputs, with the clock time of each event. */
function recorder(env: ManualEnv): { out: StageOutput; events: Event[]; data: () => string } {
  const events: Event[] = [];
  const out: StageOutput = {
    push: (c: Chunk) => events.push({ t: env.t, kind: 'data', bytes: c.data.toString(), at: c.at }),
    end: () => events.push({ t: env.t, kind: 'end' }),
    close: () => events.push({ t: env.t, kind: 'close' }),
    reset: () => events.push({ t: env.t, kind: 'reset' }),
  };
  const data = () => events.map((e) => (e.kind === 'data' ? e.bytes : '')).join('');
  return { out, events, data };
}

function setup(kind: ToxicKind, attrs: Record<string, number>, draw?: () => number) {
  const env = new ManualEnv(draw);
  const rec = recorder(env);
  const state = { bytes: 0 };
  const stage: Stage = kind.create(attrs, rec.out, env, state);
  const push = (text: string | Buffer) => stage.push({ data: Buffer.from(text), at: env.t });
  return { env, stage, push, state, ...rec };
}

describe('latency', () => {
  test('each chunk leaves `latency` after it arrived, in order, not delayed twice', () => {
    const s = setup(latencyToxic, { latency: 100, jitter: 0 });
    s.push('a');
    s.env.advanceTo(10);
    s.push('b');
    s.env.advanceTo(99);
    expect(s.events).toEqual([]);
    s.env.advanceTo(100);
    expect(s.events).toEqual([{ t: 100, kind: 'data', bytes: 'a', at: 100 }]);
    s.stage.end();
    s.env.advanceTo(200);
    expect(s.events.slice(1)).toEqual([
      { t: 110, kind: 'data', bytes: 'b', at: 110 },
      { t: 110, kind: 'end' },
    ]);
  });

  test('jitter draws in [latency − jitter, latency + jitter)', () => {
    const low = setup(latencyToxic, { latency: 100, jitter: 20 }, () => 0);
    low.push('x');
    low.env.advanceTo(200);
    expect(low.events[0].t).toBe(80);
    const high = setup(latencyToxic, { latency: 100, jitter: 20 }, () => 0.999);
    high.push('x');
    high.env.advanceTo(200);
    expect(high.events[0].t).toBe(119);
  });
});

describe('bandwidth', () => {
  test('rate in KB/s: 500 bytes at 10 KB/s take 50 ms', () => {
    const s = setup(bandwidthToxic, { rate: 10 });
    s.push(Buffer.alloc(500, 'a'));
    s.env.advanceTo(49);
    expect(s.events).toEqual([]);
    s.env.advanceTo(50);
    expect(s.data()).toHaveLength(500);
  });

  test('a chunk above 100 ms worth leaves in 100 ms slices, at the rate overall', () => {
    const s = setup(bandwidthToxic, { rate: 10 });
    s.push(Buffer.alloc(2500, 'b'));
    s.stage.end();
    s.env.advanceTo(1_000);
    expect(s.events.map((e) => [e.t, e.kind === 'data' ? e.bytes.length : e.kind])).toEqual([
      [100, 1000],
      [200, 1000],
      [250, 500],
      [250, 'end'],
    ]);
  });

  test('rate 0 is unlimited', () => {
    const s = setup(bandwidthToxic, { rate: 0 });
    s.push(Buffer.alloc(100_000));
    expect(s.data()).toHaveLength(100_000);
  });
});

describe('slicer', () => {
  test('cuts a chunk into pieces within average ± variation, bytes intact and in order', () => {
    const text = 'x'.repeat(40) + 'y'.repeat(60);
    const s = setup(slicerToxic, { average_size: 10, size_variation: 4, delay: 0 }, () => 0.3);
    s.push(text);
    const sizes = s.events.map((e) => (e.kind === 'data' ? e.bytes.length : 0));
    expect(s.data()).toBe(text);
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(14);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
  });

  test('waits `delay` µs after each piece', () => {
    const s = setup(slicerToxic, { average_size: 2, size_variation: 0, delay: 5_000 });
    s.push('abcdefgh');
    expect(s.data()).toBe('ab');
    s.env.advanceTo(5);
    expect(s.data()).toBe('abcd');
    s.env.advanceTo(20);
    expect(s.data()).toBe('abcdefgh');
  });

  test('slice points match Go: halves until within average + variation', () => {
    expect(slicePoints(0, 8, 2, 0, () => 0)).toEqual([2, 4, 6, 8]);
    expect(slicePoints(0, 3, 0, 0, () => 0)).toEqual([1, 2, 3]);
  });
});

describe('timeout', () => {
  test('0 is a blackhole: data and FIN held, never closed; take() hands them back in order', () => {
    const s = setup(timeoutToxic, { timeout: 0 });
    s.push('one');
    s.push('two');
    s.stage.end();
    s.env.advanceTo(3_600_000);
    expect(s.events).toEqual([]);
    expect(s.stage.held()).toBe(6);
    const held = s.stage.take();
    expect(held.chunks.map((c) => c.data.toString())).toEqual(['one', 'two']);
    expect(held.ended).toBe(true);
  });

  test('> 0 closes once `timeout` passes without a chunk (each chunk re-arms, as Go re-arms time.After)', () => {
    const s = setup(timeoutToxic, { timeout: 50 });
    s.env.advanceTo(30);
    s.push('x');
    s.env.advanceTo(79);
    expect(s.events).toEqual([]);
    s.env.advanceTo(200);
    expect(s.events).toEqual([{ t: 80, kind: 'close' }]);
  });
});

describe('reset_peer', () => {
  test('nothing happens without data; the first chunk is swallowed and the reset follows `timeout` later', () => {
    const s = setup(resetPeerToxic, { timeout: 20 });
    s.env.advanceTo(1_000);
    expect(s.events).toEqual([]);
    s.push('first');
    s.push('second');
    s.env.advanceTo(1_019);
    expect(s.events).toEqual([]);
    s.env.advanceTo(1_020);
    expect(s.events).toEqual([{ t: 1_020, kind: 'reset' }]);
  });

  test('timeout 0 resets at the next tick; a FIN also triggers it', () => {
    const s = setup(resetPeerToxic, { timeout: 0 });
    s.stage.end();
    s.env.advanceTo(0);
    expect(s.events).toEqual([{ t: 0, kind: 'reset' }]);
  });
});

describe('limit_data', () => {
  test('forwards exactly `bytes`, then closes; the count lives in the connection state', () => {
    const s = setup(limitDataToxic, { bytes: 10 });
    s.push('abcdef');
    expect(s.state.bytes).toBe(6);
    s.push('ghijkl');
    expect(s.data()).toBe('abcdefghij');
    expect(s.events.at(-1)).toEqual({ t: 0, kind: 'close' });
    s.push('more');
    expect(s.data()).toBe('abcdefghij');
  });
});

describe('slow_close', () => {
  test('data passes at once; the FIN is passed on `delay` later', () => {
    const s = setup(slowCloseToxic, { delay: 100 });
    s.push('data');
    expect(s.data()).toBe('data');
    s.env.advanceTo(10);
    s.stage.end();
    s.env.advanceTo(109);
    expect(s.events.some((e) => e.kind === 'end')).toBe(false);
    s.env.advanceTo(110);
    expect(s.events.at(-1)).toEqual({ t: 110, kind: 'end' });
  });
});

describe('toxic bodies (REST)', () => {
  test('defaults as Toxiproxy: stream downstream, toxicity 1, name <type>_<stream>, missing attributes 0', () => {
    expect(toxicFromBody({ type: 'latency', attributes: { latency: 5 } })).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 5, jitter: 0 },
    });
  });

  test('errors carry Toxiproxy status codes', () => {
    const status = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof ApiError ? err.status : -1;
      }
      return 0;
    };
    expect(status(() => toxicFromBody({ type: 'nope' }))).toBe(400);
    expect(status(() => toxicFromBody({ type: 'latency', stream: 'sideways' }))).toBe(400);
    expect(status(() => toxicFromBody({ type: 'latency', toxicity: 2 }))).toBe(400);
  });

  test('an update merges attributes and keeps toxicity unless given', () => {
    const t = toxicFromBody({ type: 'latency', toxicity: 0.5, attributes: { latency: 5, jitter: 1 } });
    expect(updatedToxic(t, { attributes: { latency: 50 } })).toMatchObject({
      toxicity: 0.5,
      attributes: { latency: 50, jitter: 1 },
    });
  });
});
