/**
 * HAProxy 2.6 and TS-proxy in front of the bench:load nodes (127.0.235.2 and .3), same shape for both: pure L4,
 * roundrobin over the three stand-in nodes, no health checks, no per-connection logging, timeouts connect 5 s /
 * idle 300 s, maxconn sized to the open-files limit (HAProxy's own choice without `maxconn`: 9,986 of 20,000 here;
 * TS-proxy `global.maxconn` the same), started up to accepting and stopped with deadlines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from '../../harness/net/ports.js';
import { builtFile } from '../../harness/util/project-root.js';
import { waitFor } from '../../harness/util/wait.js';
import type { Target } from '../../harness/load/connection.js';
import { killProcess, startProcess, type Proc } from '../proxy/processes.js';
import { BLOCK } from './nodes.js';

export interface BenchBalancers {
  haproxy: Target;
  tsProxy: Target;
  stop(): Promise<void>;
}

/** Connections a balancer holds within the open-files limit at 2 descriptors each (HAProxy 2.6 picks 9,986 of 20,000). */
export const BALANCER_MAXCONN = 9986;

function haproxyConfig(bind: Target, nodes: readonly Target[]): string {
  return [
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 300s',
    '  timeout server 300s',
    'frontend mqtt',
    `  bind ${bind.host}:${bind.port}`,
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    ...nodes.map((n, i) => `  server n${i + 1} ${n.host}:${n.port}`),
    '',
  ].join('\n');
}

function tsProxyConfig(bind: Target, nodes: readonly Target[]): string {
  return `global: { maxconn: ${BALANCER_MAXCONN}, log_level: warn }
admin: null
frontends:
  - name: mqtt
    bind: "${bind.host}:${bind.port}"
    backend: nodes
    inspect: none
    timeouts: { handshake: 5s, idle: 300s }
backends:
  - name: nodes
    balance: roundrobin
    timeouts: { connect: 5s }
    health: { type: none }
    servers:
${nodes.map((n, i) => `      - { name: n${i + 1}, address: "${n.host}:${n.port}" }`).join('\n')}
`;
}

export async function startBalancers(nodes: readonly Target[], log: (line: string) => void): Promise<BenchBalancers> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map((p) => killProcess(p, 'SIGTERM').catch(() => killProcess(p, 'SIGKILL'))));
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = (p: Proc, what: string, at: Target): Promise<boolean> => {
    const exited = p.exited.then((code) => {
      throw new Error(`${what} exited (${code}): ${p.stderr().slice(-2000)}`);
    });
    return Promise.race([
      waitFor(() => canConnect(at.host, at.port, 500), { timeoutMs: 10_000, what: `${what} accepting` }),
      exited,
    ]);
  };
  try {
    const haproxy = { host: `${BLOCK}.2`, port: await freePort(`${BLOCK}.2`) };
    const tsProxy = { host: `${BLOCK}.3`, port: await freePort(`${BLOCK}.3`) };
    log(`starting HAProxy on ${haproxy.host}:${haproxy.port} and TS-proxy on ${tsProxy.host}:${tsProxy.port} …`);
    writeFileSync(join(dir, 'haproxy.cfg'), haproxyConfig(haproxy, nodes));
    const h = startProcess('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')]);
    procs.push(h);
    writeFileSync(join(dir, 'ts-proxy.yaml'), tsProxyConfig(tsProxy, nodes));
    const t = startProcess(process.execPath, [builtFile('proxy/main.js'), '--config', join(dir, 'ts-proxy.yaml')]);
    procs.push(t);
    await ready(h, 'haproxy', haproxy);
    await ready(t, 'ts-proxy', tsProxy);
    return { haproxy, tsProxy, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
