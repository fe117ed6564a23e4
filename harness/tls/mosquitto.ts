/**
 * Runs the real `mosquitto_pub` (Debian mosquitto-clients) once, with a hard timeout, and parses its -d output.
 * TLS is on when `cafile` is given (as with mosquitto_pub itself); without it the connection is plain MQTT.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parseMosquittoOutput, type MosquittoParsed } from './mosquitto-output.js';

export { parseMosquittoOutput, type MosquittoParsed, type MosquittoPublishLine } from './mosquitto-output.js';

export interface MosquittoPubOptions {
  host: string;
  port: number;
  topic?: string;
  message?: string;
  clientId?: string;
  qos?: 0 | 1 | 2;
  /** -V: mqttv31 | mqttv311 (default) | mqttv5. */
  protocolVersion?: 'mqttv31' | 'mqttv311' | 'mqttv5';
  /** -d (default true): needed for the CONNECT/CONNACK/PUBLISH/DISCONNECT lines. */
  debug?: boolean;
  /** Enables TLS; the CA that verifies the balancer's certificate. */
  cafile?: string;
  /** Skip the host-name check (the chain is still verified against cafile). */
  insecure?: boolean;
  cert?: string;
  key?: string;
  /** libmosquitto 2.0 treats this as the *minimum* version (tlsv1.1 still negotiates TLS 1.3 when the server can). */
  tlsVersion?: 'tlsv1.3' | 'tlsv1.2' | 'tlsv1.1';
  ciphers?: string;
  extraArgs?: string[];
  timeoutMs: number;
  /** Default: MOSQUITTO_PUB env, else `mosquitto_pub` on PATH. */
  bin?: string;
}

export interface MosquittoRun {
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string[];
  stderr: string[];
  ms: number;
  parsed: MosquittoParsed;
}

/** Absolute path of mosquitto_pub, or undefined when not installed (suites skip with that reason). */
export async function findMosquittoPub(): Promise<string | undefined> {
  if (process.env.MOSQUITTO_PUB) return process.env.MOSQUITTO_PUB;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'mosquitto_pub');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export function mosquittoPubArgs(o: MosquittoPubOptions): string[] {
  const tlsOnly = { insecure: o.insecure, cert: o.cert, key: o.key, tlsVersion: o.tlsVersion, ciphers: o.ciphers };
  const given = Object.entries(tlsOnly)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k]) => k);
  if (!o.cafile && given.length)
    throw new Error(`mosquitto_pub: ${given.join(', ')} need cafile (TLS is enabled by --cafile)`);
  if ((o.cert === undefined) !== (o.key === undefined)) throw new Error('mosquitto_pub: cert and key go together');
  const args = ['-h', o.host, '-p', String(o.port), '-t', o.topic ?? 'harness/tls', '-m', o.message ?? 'hello'];
  if (o.debug !== false) args.push('-d');
  if (o.clientId !== undefined) args.push('-i', o.clientId);
  if (o.qos !== undefined) args.push('-q', String(o.qos));
  if (o.protocolVersion) args.push('-V', o.protocolVersion);
  if (o.cafile) args.push('--cafile', o.cafile);
  if (o.insecure) args.push('--insecure');
  if (o.cert && o.key) args.push('--cert', o.cert, '--key', o.key);
  if (o.tlsVersion) args.push('--tls-version', o.tlsVersion);
  if (o.ciphers) args.push('--ciphers', o.ciphers);
  return [...args, ...(o.extraArgs ?? [])];
}

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);

/** Runs mosquitto_pub; never rejects for a failed publish (read exitCode/parsed), only when it cannot be started. */
export async function runMosquittoPub(o: MosquittoPubOptions): Promise<MosquittoRun> {
  const args = mosquittoPubArgs(o);
  const bin = o.bin ?? (await findMosquittoPub());
  if (!bin) throw new Error('mosquitto_pub not found (Debian: apt-get install mosquitto-clients)');
  const started = performance.now();
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let timedOut = false;
  child.stdout.on('data', function onStdout(chunk: Buffer) {
    out += chunk.toString();
  });
  child.stderr.on('data', function onStderr(chunk: Buffer) {
    err += chunk.toString();
  });
  const timer = setTimeout(function onTimeout() {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve({ code: c, signal: s }));
    },
  ).finally(() => clearTimeout(timer));
  const stdout = lines(out);
  const stderr = lines(err);
  return {
    args,
    exitCode: code,
    signal,
    timedOut,
    stdout,
    stderr,
    ms: Math.round(performance.now() - started),
    parsed: parseMosquittoOutput(stdout, stderr),
  };
}
