/**
 * Loopback block locks are machine-wide: two runs with different state directories (parallel test workers) never get
 * the same block; a lock whose holder died is taken over. Real locks in a scratch folder, real bind checks.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireBlock, blockLocksOf, blocksDir } from './loopback-block.js';

const saved = { blocks: process.env.MQTT_LB_BLOCKS_DIR, state: process.env.MQTT_LB_STATE_DIR };
let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'mlb-blocks-test-'));
  process.env.MQTT_LB_BLOCKS_DIR = path.join(scratch, 'blocks');
});
afterAll(() => {
  for (const [k, v] of [
    ['MQTT_LB_BLOCKS_DIR', saved.blocks],
    ['MQTT_LB_STATE_DIR', saved.state],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  rmSync(scratch, { recursive: true, force: true });
});

// A port nothing listens on, so every candidate block passes the bind check.
const PORTS = [47913];

test('two runs with different state directories get different blocks; release frees the block', async () => {
  process.env.MQTT_LB_STATE_DIR = path.join(scratch, 'state-a');
  const a = await acquireBlock('run-a', 3, PORTS);
  process.env.MQTT_LB_STATE_DIR = path.join(scratch, 'state-b');
  const b = await acquireBlock('run-b', 3, PORTS);
  expect(b.prefix).not.toBe(a.prefix);
  expect(blockLocksOf('run-a')).toEqual([path.join(blocksDir(), `${a.prefix}.lock`)]);
  a.release();
  b.release();
  expect([...blockLocksOf('run-a'), ...blockLocksOf('run-b')]).toEqual([]);
});

test('a lock held by a dead process is taken over', async () => {
  // pid 2^22 + 1 is above Linux's pid_max default range of live processes here: a dead holder.
  writeFileSync(path.join(blocksDir(), '127.0.1.lock'), 'run-dead 4194305');
  const c = await acquireBlock('run-c', 3, PORTS);
  expect(c.prefix).toBe('127.0.1');
  expect(blockLocksOf('run-dead')).toEqual([]);
  c.release();
});
