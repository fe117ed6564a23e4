/** The local `haproxy` binary: version and `haproxy -c` validation with messages mapped to the user's file. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError, MissingBinaryError } from '../../errors.js';

const run = promisify(execFile);

export async function haproxyVersion(bin = 'haproxy'): Promise<string> {
  try {
    const { stdout } = await run(bin, ['-v']);
    return /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]!.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingBinaryError(bin, 'haproxy');
    throw err;
  }
}

/**
 * Runs `haproxy -c` on the mapped config. The mapped file keeps the user's line numbers, so
 * messages are reported against the user's file.
 */
export async function validateHaproxyConfig(mappedFile: string, userFile: string, bin = 'haproxy'): Promise<void> {
  try {
    await run(bin, ['-c', '-f', mappedFile]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new MissingBinaryError(bin, 'haproxy');
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`.replaceAll(mappedFile, userFile);
    const alerts = text.split('\n').filter((l) => /ALERT|error/i.test(l));
    const first = alerts[0] ?? text.trim().split('\n')[0] ?? 'haproxy -c failed';
    const line = /:(\d+)\]/.exec(first)?.[1];
    throw new ConfigError(
      `haproxy -c rejected the config: ${first.replace(/^\[ALERT\]\s*\(\d+\)\s*:\s*/, '').trim()}${
        alerts.length > 1
          ? `\n  (${alerts.length - 1} more: ${alerts
              .slice(1, 4)
              .map((a) => a.replace(/^\[ALERT\]\s*\(\d+\)\s*:\s*/, '').trim())
              .join(' | ')})`
          : ''
      }`,
      userFile,
      line ? Number(line) : undefined,
      'fix that line; run `haproxy -c -f <file>` to check a config by hand',
    );
  }
}
