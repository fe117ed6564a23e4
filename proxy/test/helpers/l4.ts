/** Plain-TCP (inspect: none) TS-proxy setups around raw test servers. */
import net from 'node:net';
import { startProxy, type ProxyEnv } from './proxy-env.js';

export function l4Config(serverAddress: string, frontendExtra = '', backendExtra = '', serverExtra = ''): string {
  return `
admin: { bind: "127.0.0.1:0" }
frontends:
  - name: tcp
    bind: "127.0.0.1:0"
    backend: be
    inspect: none
${frontendExtra}
backends:
  - name: be
    health: { type: none }
${backendExtra}
    servers:
      - { name: s1, address: "${serverAddress}"${serverExtra} }
`;
}

export async function using(yaml: string, fn: (env: ProxyEnv) => Promise<void>): Promise<void> {
  const env = await startProxy(yaml);
  try {
    await fn(env);
  } finally {
    await env.stop();
  }
}

export function connectClient(port: number, opts: net.NetConnectOpts = { port }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', ...opts, port } as net.NetConnectOpts);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}
