/** The load ledger's accounting (lost, duplicated, reordered, unexpected, recovered) and its exact merge. */
import { describe, expect, test } from '@jest/globals';
import { LoadLedger, ledgerTotals, mergeLedgers, topicMatches } from './ledger.js';

const stamp = (stream: string, seq: number) => ({ stream, seq, sentAtMs: 0 });

describe('load ledger', () => {
  test('topic filters match as MQTT does', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/b', 'a/b')).toBe(true);
    expect(topicMatches('a/b/c', 'a/b')).toBe(false);
  });

  test('lost, duplicated, reordered, unexpected and recovered per delivery QoS', () => {
    const l = new LoadLedger();
    l.stream('p/q1', 't/1', 1);
    l.subscriber('s', ['t/+'], 1);
    for (let i = 0; i < 5; i++) l.nextSend('p/q1');
    for (const seq of [0, 1, 2, 3]) l.acked('p/q1', seq);
    l.received('s', stamp('p/q1', 0));
    l.received('s', stamp('p/q1', 2));
    l.received('s', stamp('p/q1', 2)); // duplicate
    l.received('s', stamp('p/q1', 1)); // below 2: reordered
    l.received('s', stamp('p/q1', 4)); // never acked: recovered
    l.received('s', stamp('p/q1', 9)); // never sent: unexpected
    l.received('s', undefined); // not an engine payload: unexpected
    const t = ledgerTotals(l.data())[1];
    expect(t).toEqual({
      sent: 5,
      acked: 4,
      received: 7,
      lost: 1,
      duplicated: 1,
      reordered: 1,
      unexpected: 2,
      recovered: 1,
    });
  });

  test('delivery QoS is the lower of publish and subscription QoS; unmatched streams are not owed', () => {
    const l = new LoadLedger();
    l.stream('p/q1', 't/1', 1);
    l.stream('x/q1', 'other', 1);
    l.subscriber('s0', ['t/1'], 0);
    l.nextSend('p/q1');
    l.nextSend('x/q1');
    l.acked('p/q1', 0);
    const totals = ledgerTotals(l.data());
    expect(totals[0]).toMatchObject({ sent: 1, acked: 1, lost: 1 });
    expect(totals[1].sent).toBe(0);
  });

  test('a publisher in one ledger and its subscribers in others merge into the same totals as one ledger', () => {
    const one = new LoadLedger();
    const pub = new LoadLedger();
    const subA = new LoadLedger();
    const subB = new LoadLedger();
    for (const l of [one, pub]) l.stream('p/q0', 't', 0);
    for (const l of [one, subA]) l.subscriber('a', ['t'], 0);
    for (const l of [one, subB]) l.subscriber('b', ['#'], 0);
    for (let i = 0; i < 100; i++) {
      for (const l of [one, pub]) {
        l.nextSend('p/q0');
        if (i % 7 !== 0) l.acked('p/q0', i);
      }
      if (i % 3) for (const l of [one, subA]) l.received('a', stamp('p/q0', i));
      if (i % 5) for (const l of [one, subB]) l.received('b', stamp('p/q0', i));
    }
    const merged = mergeLedgers([pub.data(), subA.data(), subB.data()]);
    expect(ledgerTotals(merged)).toEqual(ledgerTotals(one.data()));
    expect(ledgerTotals(merged)[0].sent).toBe(200);
    expect(() => mergeLedgers([pub.data(), pub.data()])).toThrow(/two ledgers/);
  });
});
