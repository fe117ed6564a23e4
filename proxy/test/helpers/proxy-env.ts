/** Starts TS-proxy in-process from YAML with logs captured as parsed JSON lines. */
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { parseProxyConfig } from '../../config/index.js';
import { TsProxy } from '../../runtime/proxy.js';
import { Logger, type LogLevel } from '../../util/log.js';
import { waitFor } from './wait.js';

export interface ProxyEnv {
  proxy: TsProxy;
  logs: Record<string, any>[];
  /** Port of a frontend by name (default: the first). */
  port(frontend?: string): number;
  adminUrl(): string;
  closeLogs(pred?: (l: Record<string, any>) => boolean): Record<string, any>[];
  waitForLog(pred: (l: Record<string, any>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

export async function startProxy(
  yaml: string,
  opts: { baseDir?: string; logLevel?: LogLevel } = {},
): Promise<ProxyEnv> {
  const logs: Record<string, any>[] = [];
  const logger = new Logger(opts.logLevel ?? 'info', (line) => logs.push(JSON.parse(line)));
  const proxy = await TsProxy.start(parseProxyConfig(yaml, 'test.yaml'), {
    logger,
    baseDir: opts.baseDir ?? process.cwd(),
    logLevelOverride: opts.logLevel,
  });
  const addressOf = (name?: string) => {
    const l = proxy.listeners().find((x) => (name ? x.frontend === name : x.frontend !== 'admin'));
    if (!l) throw new Error(`no listener ${name}`);
    return l.address;
  };
  return {
    proxy,
    logs,
    port: (name) => Number(addressOf(name).split(':').pop()),
    adminUrl: () => `http://${addressOf('admin')}`,
    closeLogs: (pred = () => true) => logs.filter((l) => l.event === 'close' && pred(l)),
    waitForLog: (pred, what, timeoutMs = 5_000) => waitFor(() => logs.find(pred), what, timeoutMs),
    stop: () => proxy.stop(),
  };
}

/** Sends `bytes` on a raw socket and resolves when the proxy closes it (with what it sent back). */
export function sendRaw(
  port: number,
  bytes: Buffer | null,
  timeoutMs = 5_000,
): Promise<{ closed: boolean; received: Buffer; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const s = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ closed: false, received: Buffer.concat(chunks), ms: Date.now() - started });
    }, timeoutMs);
    s.on('connect', () => {
      if (bytes && bytes.length) s.write(bytes);
    });
    s.on('data', (c) => chunks.push(c));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received: Buffer.concat(chunks), ms: Date.now() - started });
    });
  });
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
