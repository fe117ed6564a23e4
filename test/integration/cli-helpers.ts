/** Runs the built CLI (`node bin/mqtt-lb.js …`) as a separate process, the way a person or CI would. */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const BIN = path.join(ROOT, 'bin', 'mqtt-lb.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI runs from dist/: fail loudly when it is missing or older than the sources it is tested for. */
export function assertBuilt(...sources: string[]): void {
  const main = path.join(ROOT, 'dist', 'harness', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does)');
  for (const s of sources) {
    const built = path.join(ROOT, 'dist', s.replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(path.join(ROOT, s)).mtimeMs) throw new Error(`dist/ is older than ${s}: run \`npm run build\``);
  }
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mqtt-lb ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `runCli` + JSON.parse of stdout, with the output in the error when it is not JSON. */
export async function runCliJson<T>(args: string[], opts?: Parameters<typeof runCli>[1]): Promise<{ code: number | null; json: T; stderr: string }> {
  const r = await runCli(args, opts);
  try {
    return { code: r.code, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`mqtt-lb ${args.join(' ')} (exit ${r.code}) did not print JSON:\n${r.stdout}\n${r.stderr}`);
  }
}
