/**
 * Which upstreams a `proxy_pass` reaches, named the way the mapping names backends: an `upstream` block's name
 * (`http:<name>` for an http upstream whose name a stream upstream also uses), a direct `host:port` as written, or
 * the upstream names a `map … $var` can yield for `proxy_pass $var`.
 */
import { parseProxyPass, formatHostPort } from './addresses.js';
import { walkNginx, type NginxDirective, type ParsedNginx } from './parse.js';

export type UpstreamNames = Map<string, Set<string>>;

/** Upstream block names per top context ('stream', 'http'). */
export function upstreamNames(parsed: ParsedNginx): UpstreamNames {
  const out: UpstreamNames = new Map();
  walkNginx(parsed.root.directives, (d) => {
    if (d.name === 'upstream' && d.block && d.context[0])
      out.set(d.context[0], (out.get(d.context[0]) ?? new Set()).add(d.args[0] ?? ''));
  });
  return out;
}

/** The backend name of upstream `name` in context `ctx`. */
export function backendName(names: UpstreamNames, ctx: string, name: string): string {
  const clash = !!names.get('stream')?.has(name) && !!names.get('http')?.has(name);
  return ctx === 'http' && clash ? `http:${name}` : name;
}

/** Backends a proxy_pass directive reaches. */
export function proxyBackends(d: NginxDirective, parsed: ParsedNginx, names: UpstreamNames): string[] {
  const ctx = d.context[0] ?? '';
  const t = parseProxyPass(d.args[0] ?? '');
  const known = names.get(ctx);
  if (known?.has(t.host) && t.port === undefined) return [backendName(names, ctx, t.host)];
  if (t.variable)
    return [
      ...new Set(
        variableValues(d, parsed)
          .filter((v) => known?.has(v))
          .map((v) => backendName(names, ctx, v)),
      ),
    ];
  if (t.unix) return [];
  return [t.port === undefined ? t.host : formatHostPort(t.host, t.port)];
}

/** Every value a `map … $var` in the same context can give the variable of `proxy_pass $var`; [] when none. */
export function variableValues(d: NginxDirective, parsed: ParsedNginx): string[] {
  const variable = /\$\{?(\w+)/.exec(d.args[0] ?? '')?.[1];
  const values: string[] = [];
  walkNginx(parsed.root.directives, (m) => {
    if (m.name !== 'map' || m.args[1] !== `$${variable}` || m.context[0] !== d.context[0]) return;
    for (const entry of m.block ?? []) {
      const v = entry.args.at(-1);
      if (v && !['hostnames', 'volatile'].includes(entry.name)) values.push(v);
    }
  });
  return values;
}
