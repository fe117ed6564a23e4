/**
 * The address forms of nginx.conf: `listen` addresses (`1883`, `*:1883`, `[::]:8883`, `127.0.0.1`), upstream
 * `server` addresses (`host:port`, `unix:`), and `proxy_pass` targets (an upstream name, `host:port`,
 * `http://name/path`, a `$variable`).
 */

export interface ListenAddress {
  host: string;
  port: number;
}

/** A listen address; undefined port means none written (http defaults to 80, stream requires one). */
export function parseListenAddress(a: string): { host: string; port: number | undefined } | 'unix' {
  if (a.startsWith('unix:')) return 'unix';
  if (/^\d+$/.test(a)) return { host: '*', port: Number(a) };
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined };
  const m = /^(.*):(\d+)$/.exec(a);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { host: a, port: undefined };
}

/** host and port of an upstream `server` address; port undefined when not written. */
export function splitServerAddress(a: string): { host: string; port: number | undefined } {
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined };
  const m = /^(.*):(\d+)$/.exec(a);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: a, port: undefined };
}

export interface ProxyTarget {
  /** http/https/grpc… (http context); undefined in stream. */
  scheme?: string;
  host: string;
  port: number | undefined;
  /** URI part after the address (http), e.g. `/mqtt`. */
  path: string;
  /** The target holds a variable (`$name`): resolved per connection by nginx. */
  variable: boolean;
  unix: boolean;
}

export function parseProxyPass(arg: string): ProxyTarget {
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(arg);
  const scheme = url?.[1]?.toLowerCase();
  const hostport = url ? url[2]! : arg;
  const path = url ? url[3]! : '';
  if (hostport.startsWith('unix:'))
    return { scheme, host: hostport, port: undefined, path, variable: false, unix: true };
  const hp = splitServerAddress(hostport);
  return { scheme, ...hp, path, variable: arg.includes('$'), unix: false };
}

/** The proxy_pass argument with its address replaced, scheme and path kept. */
export function withAddress(t: ProxyTarget, address: string): string {
  return `${t.scheme ? `${t.scheme}://` : ''}${address}${t.path}`;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
