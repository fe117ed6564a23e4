/**
 * The EMQX guide's own check with the real third-party clients: `mosquitto_sub` waits on a topic
 * (subscribed once its SUBACK is printed), then `mosquitto_pub -d -t <topic> -m bb` goes through the
 * balancer; returns the publisher's debug lines and what the subscriber printed.
 */
import { spawn } from 'node:child_process';
import type { HostPort } from '../types.js';
import { runMosquittoPub } from '../tls/mosquitto.js';
import { withTimeout } from '../util/wait.js';
import { MissingBinaryError } from '../errors.js';
import { probeConnect } from './connect-probe.js';
import { ProtocolMismatchError } from './protocol-mismatch.js';

export interface MosquittoCheck {
  pubLines: string[];
  pubExitCode: number | null;
  received: string[];
}

export async function runMosquittoCheck(
  target: HostPort,
  topic: string,
  tls: { cafile?: string; insecure?: boolean } = {},
  timeoutMs = 10_000,
): Promise<MosquittoCheck> {
  const tlsArgs = tls.cafile ? ['--cafile', tls.cafile, ...(tls.insecure ? ['--insecure'] : [])] : [];
  // stdbuf: mosquitto_sub block-buffers its stdout on a pipe, hiding the SUBACK line.
  const sub = spawn(
    'stdbuf',
    [
      '-oL',
      'mosquitto_sub',
      '-h',
      target.host,
      '-p',
      String(target.port),
      '-t',
      topic,
      '-C',
      '1',
      '-W',
      String(Math.ceil(timeoutMs / 1000)),
      '-d',
      ...tlsArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const subscribed = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (/received SUBACK/.test(out)) resolve();
    };
    const onError = (err: NodeJS.ErrnoException): void =>
      reject(err.code === 'ENOENT' ? new MissingBinaryError('mosquitto_sub', 'mosquitto-clients') : err);
    const onExit = (code: number | null): void =>
      reject(new Error(`mosquitto_sub exited (${code}) before subscribing: ${out.trim()}`));
    sub.stdout.on('data', onData);
    sub.once('error', onError);
    sub.once('exit', onExit);
  });
  const exited = new Promise<void>((resolve) => sub.once('close', () => resolve()));
  try {
    await withTimeout(subscribed, timeoutMs, 'mosquitto_sub to subscribe').catch(explainFailure(target, tls));
    const pub = await runMosquittoPub({
      host: target.host,
      port: target.port,
      topic,
      message: 'bb',
      timeoutMs,
      ...tls,
    });
    await withTimeout(exited, timeoutMs, 'mosquitto_sub to receive the message');
    const received = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^Client |^Subscribed/.test(l));
    return { pubLines: pub.stdout, pubExitCode: pub.exitCode, received };
  } finally {
    sub.kill('SIGKILL');
  }
}

/** mosquitto only says "protocol error": on a plain endpoint, find out with one CONNECT what the balancer answers. */
function explainFailure(target: HostPort, tls: { cafile?: string }): (err: Error) => Promise<never> {
  return async (err) => {
    const first = tls.cafile ? undefined : await probeConnect(target);
    if (first && first.seen !== 'mqtt') throw new ProtocolMismatchError(target, first, err);
    throw err;
  };
}
