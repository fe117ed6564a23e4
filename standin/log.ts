/**
 * Compact JSON-line logging on stderr, rate-limited per event kind.
 * A run may have hundreds of clients: each kind gets at most `perWindow` lines per window;
 * the rest is counted and reported as one `log.suppressed` line when the window ends.
 */

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  event(kind: string, fields?: LogFields): void;
  /** Always written (startup, shutdown, fatal problems). */
  important(kind: string, fields?: LogFields): void;
  close(): void;
}

export interface LoggerOptions {
  node: string;
  perWindow?: number;
  windowMs?: number;
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions): Logger {
  const perWindow = opts.perWindow ?? 20;
  const windowMs = opts.windowMs ?? 1000;
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const counts = new Map<string, number>();
  const suppressed = new Map<string, number>();
  let windowTimer: NodeJS.Timeout | undefined;

  function line(kind: string, fields: LogFields | undefined): void {
    write(`${JSON.stringify({ t: new Date().toISOString(), node: opts.node, ev: kind, ...fields })}\n`);
  }

  function endWindow(): void {
    windowTimer = undefined;
    counts.clear();
    if (suppressed.size > 0) {
      line('log.suppressed', Object.fromEntries(suppressed));
      suppressed.clear();
    }
  }

  function event(kind: string, fields?: LogFields): void {
    if (!windowTimer) {
      windowTimer = setTimeout(endWindow, windowMs);
      windowTimer.unref();
    }
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    if (n <= perWindow) line(kind, fields);
    else suppressed.set(kind, (suppressed.get(kind) ?? 0) + 1);
  }

  function close(): void {
    if (windowTimer) clearTimeout(windowTimer);
    endWindow();
  }

  return { event, important: line, close };
}

/** Short, log-friendly text of an unknown error. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
