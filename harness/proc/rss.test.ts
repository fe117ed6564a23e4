/** Resident memory of a process tree, read from /proc. */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { rssBytesOfTree } from './rss.js';

describe('rssBytesOfTree', () => {
  test('this process weighs megabytes, and with a child more than alone; a pid that does not exist weighs 0', async () => {
    const alone = rssBytesOfTree(process.pid);
    expect(alone).toBeGreaterThan(10 * 2 ** 20);
    // The child says when it runs: right after 'spawn' it may still be exec'ing, with no resident memory yet (RSS 0
    // in a CI check under load).
    const child = spawn(process.execPath, ['-e', "process.stdout.write('up'); setTimeout(() => {}, 10000)"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      await new Promise((resolve, reject) => {
        child.stdout.once('data', resolve);
        child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it ran`)));
      });
      expect(rssBytesOfTree(child.pid!)).toBeGreaterThan(0);
      expect(rssBytesOfTree(process.pid)).toBeGreaterThan(alone * 0.9 + rssBytesOfTree(child.pid!) * 0.5);
    } finally {
      child.kill('SIGKILL');
    }
    expect(rssBytesOfTree(2 ** 22 + 1)).toBe(0);
  });
});
