/** Runs the network tools (iptables, tc, nsenter, unshare) bounded in time, answering the exit code and output. */
import { execFile, execFileSync } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` (no shell); never rejects: a missing binary is code 127 with the reason in stderr. */
export function runTool(argv: readonly string[], timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    execFile(cmd!, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      const code = typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : 1;
      resolve({ code, stdout: stdout ?? '', stderr: (stderr || e.message).trim() });
    });
  });
}

/** Like runTool, with `input` written to the tool's stdin (iptables-restore). */
export function runToolWithInput(argv: readonly string[], input: string, timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const child = execFile(cmd!, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      const code = typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : 1;
      resolve({ code, stdout: stdout ?? '', stderr: (stderr || e.message).trim() });
    });
    child.stdin?.on('error', ignoreStdinError);
    child.stdin?.end(input);
  });
}

/** A tool that exits before reading its stdin (missing binary) makes the write fail: its exit code tells why. */
function ignoreStdinError(): void {}

/** Like runTool, throwing with the command and its stderr on a non-zero exit. */
export async function mustRun(argv: readonly string[], timeoutMs = 10_000): Promise<string> {
  const r = await runTool(argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Synchronous variant for signal handlers and sweeps: exit code only, output discarded. */
export function runToolSync(argv: readonly string[], timeoutMs = 5000): { code: number; stdout: string } {
  const [cmd, ...args] = argv;
  try {
    const stdout = execFileSync(cmd!, args, {
      timeout: timeoutMs,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { code: 0, stdout };
  } catch (err) {
    const status = (err as { status?: number | null }).status;
    return { code: typeof status === 'number' ? status : 127, stdout: '' };
  }
}
