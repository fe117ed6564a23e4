/**
 * Structured logs: one JSON object per line on stdout (`{"ts":…,"level":…,"event":…,…}`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

function writeStdout(line: string): void {
  process.stdout.write(line);
}

export class Logger {
  private minRank: number;

  constructor(
    level: LogLevel = 'info',
    private readonly sink: LogSink = writeStdout,
  ) {
    this.minRank = RANK[level];
  }

  setLevel(level: LogLevel): void {
    this.minRank = RANK[level];
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.minRank;
  }

  log(level: LogLevel, event: string, fields?: LogFields): void {
    if (RANK[level] < this.minRank) return;
    this.write(level, event, fields);
  }

  /** Lifecycle lines (listening, started, reloaded, stopping) are written whatever the log level. */
  lifecycle(event: string, fields?: LogFields): void {
    this.write('info', event, fields);
  }

  private write(level: LogLevel, event: string, fields?: LogFields): void {
    const record = { ts: new Date().toISOString(), level, event, ...fields };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ ts: record.ts, level, event, note: 'unserializable log fields' });
    }
    this.sink(line + '\n');
  }

  debug(event: string, fields?: LogFields): void {
    this.log('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.log('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.log('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.log('error', event, fields);
  }
}

/** Error text for logs without stack traces. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
