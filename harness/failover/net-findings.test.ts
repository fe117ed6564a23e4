/**
 * The network scenarios' verdicts in config terms, from the real fixtures parsed and mapped like a run does: which
 * line explains a slow node taken out, a lossy link that flaps a node, clients stuck on a partitioned node.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serverOf } from './check-facts.js';
import {
  configLine,
  connectRetryFinding,
  lateConnackFinding,
  lossyLinkVerdict,
  partitionStuckVerdict,
  slowNodeVerdict,
  type DegradedFigures,
} from './net-findings.js';
import { haproxyFactsOf as factsOf } from '../../test/helpers/haproxy.js';
import { projectRoot } from '../util/project-root.js';

const text = (rel: string): string => readFileSync(path.join(projectRoot(), 'fixtures', rel), 'utf8');
const figures = (over: Partial<DegradedFigures> = {}): DegradedFigures & { answerMs: number } => ({
  node: 'node2',
  fault: '+500 ms ± 100 ms',
  detectionMs: null,
  cut: 0,
  clients: 10,
  routed: 2,
  p99Ms: 900,
  p99ThresholdMs: 2500,
  answerMs: 600,
  ...over,
});

describe('slow node', () => {
  test('inter 300ms without timeout check: the working node taken out, its sessions cut: an error naming line 21', async () => {
    const f = await factsOf('broken/netfault-slow-node-short-inter.cfg');
    const v = slowNodeVerdict(f, serverOf(f, 'node2'), '', figures({ detectionMs: 2100, cut: 10 }));
    expect(v.problems).toHaveLength(1);
    expect(v.findings[0]).toMatchObject({
      severity: 'error',
      title: expect.stringContaining('took the working node2 out 2.1 s into the +500 ms ± 100 ms and cut 10 of its 10'),
      line: 21,
      detail: expect.stringMatching(
        /check timeout = inter 0\.3 s \(no `timeout check`, line 21\) is below the node's answer/,
      ),
      remedy: expect.stringMatching(/timeout check.*observe layer4/),
    });
  });

  test('the production config keeps it (check timeout 2 s above 600 ms) and says why; p99 over the threshold fails', async () => {
    const f = await factsOf('haproxy/production/emqx-production-sized.cfg');
    const kept = slowNodeVerdict(
      f,
      serverOf(f, 'node2'),
      text('haproxy/production/emqx-production-sized.cfg'),
      figures(),
    );
    expect(kept.problems).toEqual([]);
    expect(kept.findings[0]).toMatchObject({
      severity: 'info',
      title: expect.stringContaining('kept the slow node2 in rotation'),
      detail: expect.stringMatching(
        /check timeout 2 s \(line 21\) is above .*leastconn \(line 24\).*no `observe layer4`/,
      ),
    });
    const slow = slowNodeVerdict(f, serverOf(f, 'node2'), '', figures({ p99Ms: 3000 }));
    expect(slow.problems).toEqual([expect.stringMatching(/delivery p99 3000 ms .* \(threshold 2500 ms\)/)]);
  });
});

describe('lossy link and partition', () => {
  test('timeout check 200ms fall 1: flapped out by the loss, an error naming the check timeout line', async () => {
    const f = await factsOf('broken/netfault-lossy-link-fragile-check.cfg');
    const v = lossyLinkVerdict(
      f,
      serverOf(f, 'node2'),
      figures({ fault: '10 % packet loss', detectionMs: 900, cut: 4 }),
    );
    expect(v.findings[0]).toMatchObject({
      severity: 'error',
      line: 14,
      detail: expect.stringMatching(/check timeout 0\.2 s \(line 14\) × fall 1 \(line 21\): a single lost segment/),
    });
  });

  test('timeout check 2s fall 2 flapped out by chance: a warning (measured, not the config), no problem', async () => {
    const f = await factsOf('haproxy/production/emqx-production-sized.cfg');
    const v = lossyLinkVerdict(
      f,
      serverOf(f, 'node2'),
      figures({ fault: '10 % packet loss', detectionMs: 3570, cut: 10 }),
    );
    expect(v.problems).toEqual([]);
    expect(v.findings[0]).toMatchObject({
      severity: 'warning',
      detail: expect.stringMatching(/check timeout 2 s \(line \d+\) × fall 2 .*a chance event at this loss rate/),
    });
  });

  test('no shutdown-sessions: clients stuck past the threshold point at the server line and the remedy', async () => {
    const f = await factsOf('broken/netfault-partition-slow-detection.cfg');
    const v = partitionStuckVerdict(f, serverOf(f, 'node2'), { ms: [7600, 7700], never: [] }, 7000, 5, null);
    expect(v.findings[0]).toMatchObject({
      line: 24,
      detail: expect.stringMatching(/no on-marked-down shutdown-sessions/),
      remedy: expect.stringMatching(/on-marked-down shutdown-sessions/),
    });
  });

  test('configLine finds a setting outside comments; a late CONNACK is a warning with its timeline', () => {
    expect(configLine('a\n  # observe layer4\n  observe layer4 error-limit 10\n', /observe\s+layer4/)).toEqual({
      line: 3,
      text: 'observe layer4 error-limit 10',
    });
    const late = { id: 'c-p2', role: 'publisher', cut_ms: 5900, attempt_ms: 6200, connack_ms: 21000 };
    expect(lateConnackFinding(late, 10_000)).toMatchObject({
      severity: 'warning',
      title: expect.stringContaining('21 s'),
    });
    expect(lateConnackFinding({ ...late, connack_ms: 6500 }, 10_000)).toBeUndefined();
  });

  test('a late connect after a CONNACK on time is the client replaying its in-flight messages, said with the timeline', () => {
    const late = { id: 'c-p2', role: 'publisher', cut_ms: 6012, attempt_ms: 6347, connack_ms: 14057 };
    expect(lateConnackFinding({ ...late, connack_wire_ms: 6420, failed_attempts: 0 }, 10_000)?.detail).toBe(
      'cut at 6.01 s, reconnect started at 6.35 s, CONNACK packet at 6.42 s, `connect` at 14.06 s: the CONNACK came 0.07 s after the reconnect started; MQTT.js emits `connect` only after replaying its in-flight QoS 1/2 messages (those the partition swallowed), one acknowledgement at a time — the wait is in the client, not in the balancer or the broker',
    );
    expect(lateConnackFinding({ ...late, connack_wire_ms: 14000, failed_attempts: 1 }, 10_000)?.detail).toMatch(
      /1 attempt\(s\) closed without a CONNACK, CONNACK packet at 14 s, `connect` at 14.06 s: the wait is before the CONNACK: .*connect-retry finding$/,
    );
  });

  test('reconnects routed to the partitioned node: timeout connect, retries and no option redispatch named, with the remedy', async () => {
    const f = await factsOf('haproxy/production/emqx-production-sized.cfg');
    const cfg = text('haproxy/production/emqx-production-sized.cfg');
    const figures = { node: 'node2', routed: 3, closedWithoutConnack: 3, clientConnectTimeoutMs: 3000 };
    expect(connectRetryFinding(f, cfg, figures)).toEqual({
      severity: 'warning',
      title:
        "3 reconnect(s) went to the partitioned node2 before it was marked DOWN; 3 attempt(s) got no CONNACK within the clients' 3 s connect timeout",
      detail:
        'a partition drops their SYNs: `timeout connect 5s` (line 18) per attempt, `retries` unset (3), no `option redispatch`: every retry goes to the same unanswering server until it is marked DOWN; the client gives up after its 3 s connect timeout and reconnects (landing elsewhere only once the node is DOWN)',
      file: f.file,
      line: 18,
      remedy: expect.stringMatching(/^`timeout connect 1s` .* and `option redispatch 1` with `retries 2`/),
    });
    expect(connectRetryFinding(f, cfg, { ...figures, routed: 0 })).toBeUndefined();
    expect(connectRetryFinding(f, cfg, { ...figures, closedWithoutConnack: 0 })).toBeUndefined();
  });

  test('a node kept although timeout check is below its answer time: timeout check is a read timeout, not the whole check', async () => {
    const f = await factsOf('haproxy/production/emqx-production-sized.cfg');
    const server = serverOf(f, 'node2');
    const short = { ...server, check: { ...server.check, timeoutMs: { value: 300, line: 17 } } };
    const v = slowNodeVerdict(f, short, '', figures());
    expect(v.problems).toEqual([]);
    expect(v.findings[0]).toMatchObject({
      severity: 'info',
      detail: expect.stringMatching(
        /^check timeout 0\.3 s \(line 17\) is below its answer time \(up to 600 ms\), yet its checks passed: HAProxy arms `timeout check` as a read timeout only once the check's connection is established \(after a connect bounded by min\(`timeout connect`, inter\)\)/,
      ),
    });
    expect(slowNodeVerdict(f, server, '', figures()).findings[0]?.detail).toMatch(
      /^check timeout 2 s \(line 21\) is above its answer time \(up to 600 ms\), so its checks pass/,
    );
  });
});
