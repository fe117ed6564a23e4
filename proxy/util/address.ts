/**
 * `host:port` parsing for binds and server addresses (`[::1]:1883` for IPv6 literals).
 */
export interface HostPort {
  host: string;
  port: number;
}

const HOST_PORT_RE = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/;

/** Parses `host:port`; `host` may be empty or `*` for binds (all interfaces), reported as `''`. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = HOST_PORT_RE.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? (m[2] === '*' ? '' : m[2]);
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Strips the IPv4-mapped IPv6 prefix Node reports for dual-stack sockets (`::ffff:1.2.3.4`). */
export function plainIp(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
