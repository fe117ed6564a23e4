/**
 * Focused memory measure: RSS (and, with BENCH_HEAP=1, V8 heap via a heap snapshot diff) of TS-proxy per idle
 * proxied connection, for one or more TS-proxy builds in the same run (A/B), with a loopback sink as the server.
 *
 *   node dist/bench/proxy/idle-conns.js [count=5000] [main.js of build A] [main.js of build B] …
 *
 * Each connection writes 32 bytes through the proxy and gets 4 bytes back (like CONNECT/CONNACK), then stays
 * idle. A first batch of 1,000 takes the one-off growth; the figure is the RSS growth over `count` more.
 * Addresses: 127.0.251.1 (sink), 127.0.251.2 (proxy), 127.0.251.3+ (clients).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { rssKiB } from './measure.js';

const SINK_IP = '127.0.251.1';
const PROXY_IP = '127.0.251.2';
const WARM = 1000;

function onSinkData(this: net.Socket): void {
  this.write(Buffer.from([0x20, 2, 0, 0]));
}
function ignore(): void {}

async function startSink(): Promise<{ server: net.Server; port: number; held: net.Socket[] }> {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    held.push(s);
    s.on('data', onSinkData);
    s.on('error', ignore);
  });
  await new Promise<void>((r) => server.listen({ host: SINK_IP, port: 0, backlog: 4096 }, r));
  return { server, port: (server.address() as net.AddressInfo).port, held };
}

function config(sinkPort: number): string {
  return `global: { maxconn: 20000, log_level: warn }
admin: null
frontends:
  - name: plain
    bind: "${PROXY_IP}:0"
    backend: node
    inspect: none
    timeouts: { handshake: 5s, idle: 300s }
backends:
  - name: node
    balance: roundrobin
    timeouts: { connect: 5s }
    health: { type: none }
    servers:
      - { name: n1, address: "${SINK_IP}:${sinkPort}" }
`;
}

async function startProxy(
  main: string,
  cfgFile: string,
  nodeArgs: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...nodeArgs, main, '--config', cfgFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.BENCH_NODE_ARGS) process.stderr.write(d);
      const m = /"address":"[^"]*:(\d+)"/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`proxy exited ${code}`)));
  });
  return { child, port };
}

let clientIp = 3;
function openOne(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: PROXY_IP, port, localAddress: `127.0.251.${clientIp}` });
    s.once('error', reject);
    s.once('connect', () => s.write(Buffer.alloc(32, 0x10)));
    s.once('data', () => resolve(s));
  });
}

async function openMany(port: number, n: number, into: net.Socket[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      if (next % 20000 === 0) clientIp++;
      into.push(await openOne(port));
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
}

async function settled(pid: number): Promise<number> {
  let last = rssKiB(pid);
  for (let i = 0; i < 20; i++) {
    await delay(300);
    const now = rssKiB(pid);
    if (Math.abs(now - last) <= last * 0.003) return now;
    last = now;
  }
  return last;
}

/** Resident KiB by mapping: the brk heap (malloc), other anonymous mappings (V8's heap, large mallocs), files. */
function residentByKind(pid: number): Record<string, number> {
  const out: Record<string, number> = { brk: 0, anon: 0, file: 0 };
  let kind = 'anon';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) kind = head[1] === '[heap]' ? 'brk' : head[1] === '' || head[1].startsWith('[') ? 'anon' : 'file';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]);
  }
  return out;
}

/** Self size by constructor/type name, from a .heapsnapshot file. */
function snapshotSizes(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [ti, ni, si] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + ti]];
    const name = snap.strings[snap.nodes[i + ni]];
    const key = type === 'object' || type === 'native' ? name : `(${type}) ${type === 'closure' ? name : ''}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + si];
    out.set(key, e);
  }
  return out;
}

async function heapSnapshot(child: ChildProcess, dir: string): Promise<Map<string, { count: number; bytes: number }>> {
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await delay(100);
    const fresh = readdirSync(dir).filter((n) => n.endsWith('.heapsnapshot') && !before.has(n));
    if (fresh.length > 0) {
      const file = path.join(dir, fresh[0]);
      let sizes: Map<string, { count: number; bytes: number }> | null = null;
      for (let tries = 0; !sizes; tries++) {
        await delay(1000); // still being written: retry until it parses
        try {
          sizes = snapshotSizes(file);
        } catch (err) {
          if (tries > 60) throw err;
        }
      }
      rmSync(file);
      return sizes;
    }
  }
  throw new Error('no heap snapshot');
}

async function measure(main: string, count: number, sinkPort: number, dir: string): Promise<void> {
  const heap = process.env.BENCH_HEAP === '1';
  const cfgFile = path.join(dir, 'proxy.yaml');
  writeFileSync(cfgFile, config(sinkPort));
  const args = heap ? [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${dir}`] : [];
  if (process.env.BENCH_NODE_ARGS) args.push(...process.env.BENCH_NODE_ARGS.split(' '));
  const { child, port } = await startProxy(main, cfgFile, args);
  const socks: net.Socket[] = [];
  try {
    await openMany(port, 20, socks);
    for (const s of socks.splice(0)) s.destroy();
    await delay(500);
    const start = await settled(child.pid!);
    await openMany(port, WARM, socks);
    const before = await settled(child.pid!);
    const kindsBefore = residentByKind(child.pid!);
    const snapA = heap ? await heapSnapshot(child, dir) : null;
    await openMany(port, count, socks);
    const after = await settled(child.pid!);
    const perConn = Math.round(((after - before) * 1024) / count);
    const kindsAfter = residentByKind(child.pid!);
    const byKind = Object.fromEntries(
      Object.keys(kindsAfter).map((k) => [k, Math.round(((kindsAfter[k] - kindsBefore[k]) * 1024) / count)]),
    );
    const line = {
      main,
      count,
      rss_start_kib: start,
      rss_before_kib: before,
      rss_after_kib: after,
      rss_per_conn: perConn,
      by_kind: byKind,
    };
    if (snapA) {
      const snapB = await heapSnapshot(child, dir);
      let total = 0;
      const rows: [string, number, number][] = [];
      for (const [k, b] of snapB) {
        const a = snapA.get(k) ?? { count: 0, bytes: 0 };
        const d = b.bytes - a.bytes;
        total += d;
        if (Math.abs(d) / count >= 4) rows.push([k, (b.count - a.count) / count, d / count]);
      }
      rows.sort((x, y) => y[2] - x[2]);
      console.error(`heap per connection ${(total / count).toFixed(0)} B; by constructor (objects, B per connection):`);
      for (const [k, n, b] of rows)
        console.error(`  ${k.padEnd(40)} ${n.toFixed(2).padStart(6)} ${b.toFixed(0).padStart(6)}`);
    }
    if (process.env.BENCH_LATE) {
      await delay(Number(process.env.BENCH_LATE) * 1000);
      Object.assign(line, { rss_late_per_conn: Math.round(((rssKiB(child.pid!) - before) * 1024) / count) });
    }
    console.log(JSON.stringify(line));
  } finally {
    for (const s of socks) s.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5000);
  const mains = process.argv.slice(3);
  if (mains.length === 0) mains.push(path.resolve('dist/proxy/main.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idle-conns-'));
  const sink = await startSink();
  try {
    for (const m of mains) {
      await measure(path.resolve(m), count, sink.port, dir);
      for (const s of sink.held.splice(0)) s.destroy();
      await delay(500);
    }
  } finally {
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
