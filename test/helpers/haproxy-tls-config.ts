/**
 * Test fixture: an HAProxy config with several `mode tcp` frontends (TLS or plain) in front of one backend.
 */

export interface FrontendSpec {
  port: number;
  /** Everything after `bind 127.0.0.1:<port>` (e.g. `ssl crt /x/server.pem ssl-min-ver TLSv1.2`); '' = plain TCP. */
  bind: string;
}

export function haproxyTlsConfig(
  backendPort: number,
  frontends: Record<string, FrontendSpec>,
  global: string[] = [],
): string {
  const lines = [
    'global',
    '  log stderr format raw local0 notice',
    ...global.map((g) => `  ${g}`),
    'defaults',
    '  mode tcp',
    '  log global',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    'backend be_mqtt',
    `  server node1 127.0.0.1:${backendPort}`,
  ];
  for (const [name, fe] of Object.entries(frontends)) {
    lines.push(
      `frontend ${name}`,
      `  bind 127.0.0.1:${fe.port}${fe.bind ? ` ${fe.bind}` : ''}`,
      '  default_backend be_mqtt',
    );
  }
  return `${lines.join('\n')}\n`;
}
