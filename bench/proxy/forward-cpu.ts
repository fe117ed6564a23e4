/**
 * Focused CPU measure: TS-proxy CPU (all threads, /proc/<pid>/stat) to forward `count` chunks of `size` bytes
 * one way at `rate`/s to a discarding sink, for several builds in alternating rounds (A/B in one run).
 *
 *   node dist/bench/proxy/forward-cpu.js <size> <count> <rate> <rounds> <main.js A> [main.js B] …
 *
 * A target named `haproxy` runs /usr/sbin/haproxy instead (mode tcp, nbthread 1, as in `npm run bench:proxy`),
 * for a TS-proxy/HAProxy ratio with less noise than the full bench.
 *
 * `BENCH_WARMUP_MB=<n>` first pushes n MB through as fast as the proxy takes it, unmeasured: a fresh process's
 * malloc heap is small, so a freshly started proxy pays page faults that one warmed by other traffic (as in
 * `npm run bench:proxy`, where the CPU case follows the throughput case) may not.
 *
 * Addresses: 127.0.251.11 (sink), 127.0.251.12 (proxy).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { canConnect, freePort } from '../../harness/net/ports.js';
import { cpuSeconds } from './measure.js';

function discard(): void {}

async function warmUp(sock: net.Socket, chunk: Buffer, receivedBytes: () => number): Promise<void> {
  const bytes = Number(process.env.BENCH_WARMUP_MB ?? 0) * 1024 * 1024;
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
  }
  while (receivedBytes() < bytes) await delay(5);
}

async function startTsProxy(main: string, cfg: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [main, '--config', cfg], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"address":"[^"]*:(\d+)"/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, port };
}

async function startHaproxy(dir: string, sinkPort: number): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort('127.0.251.12');
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    ['global', '  nbthread 1', '  maxconn 5000', 'defaults', '  mode tcp', '  timeout connect 5s'].join('\n') +
      ['', '  timeout client 300s', '  timeout server 300s', 'frontend f', `  bind 127.0.251.12:${port}`].join('\n') +
      ['', '  default_backend b', 'backend b', `  server n 127.0.251.11:${sinkPort}`, ''].join('\n'),
  );
  const child = spawn('/usr/sbin/haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
  while (!(await canConnect('127.0.251.12', port))) await delay(20);
  return { child, port };
}

async function main(): Promise<void> {
  const [size, count, rate, rounds] = process.argv.slice(2, 6).map(Number);
  const mains = process.argv.slice(6).map((m) => (m === 'haproxy' ? m : path.resolve(m)));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forward-cpu-'));
  let received = 0;
  const sink = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      received += d.length;
    });
    s.on('error', discard);
  });
  await new Promise<void>((r) => sink.listen({ host: '127.0.251.11', port: 0 }, r));
  const sinkPort = (sink.address() as net.AddressInfo).port;
  const cfg = path.join(dir, 'p.yaml');
  writeFileSync(
    cfg,
    `global: { log_level: warn }\nfrontends:\n  - { name: f, bind: "127.0.251.12:0", backend: b, inspect: none }\n` +
      `backends:\n  - name: b\n    health: { type: none }\n    servers: [{ name: n, address: "127.0.251.11:${sinkPort}" }]\n`,
  );
  const results = new Map<string, number[]>();
  const chunk = Buffer.alloc(size, 7);
  for (let round = 0; round < rounds; round++) {
    for (const main of mains) {
      const { child, port } = main === 'haproxy' ? await startHaproxy(dir, sinkPort) : await startTsProxy(main, cfg);
      const sock = net.connect({ host: '127.0.251.12', port });
      await new Promise((r) => sock.once('connect', r));
      await warmUp(sock, chunk, () => received);
      await delay(300);
      received = 0;
      const cpu0 = cpuSeconds(child.pid!);
      const t0 = Date.now();
      for (let i = 0; i < count; i++) {
        sock.write(chunk);
        const due = t0 + ((i + 1) * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await delay(wait);
      }
      while (received < size * count) await delay(5);
      const cpu = cpuSeconds(child.pid!) - cpu0;
      results.set(main, [...(results.get(main) ?? []), cpu]);
      sock.destroy();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  for (const [main, cpus] of results) {
    const sum = cpus.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ main, cpu_s: cpus, total: Math.round(sum * 100) / 100 }));
  }
  sink.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
