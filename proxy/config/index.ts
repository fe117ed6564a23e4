/**
 * TS-proxy configuration: YAML text → validated plain object (see config/types.ts), with the 1-based
 * source line of every server node and of every frontend's `bind`, and errors as
 * `<file>:<line>: <key>: <message>`.
 */
import { LineCounter, parseDocument, stringify } from 'yaml';
import { proxyConfigSchema, type ParsedConfig } from './schema.js';
import { lineResolver, type LineResolver } from './yaml-lines.js';
import { checkSemantics } from './semantics.js';
import type { ConfigIssue, ProxyConfig } from './types.js';
import { loadTlsMaterial, TlsMaterialError } from '../runtime/tls-material.js';

export type * from './types.js';

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}: ${issue.key}: ${issue.message}`;
}

/** Dotted key for a path: `backends[0].servers[1].weight`. */
export function keyOfPath(path: readonly PropertyKey[]): string {
  let key = '';
  for (const seg of path) key += typeof seg === 'number' ? `[${seg}]` : key === '' ? String(seg) : `.${String(seg)}`;
  return key === '' ? '(root)' : key;
}

export interface ValidateOptions {
  /** Also read and parse every TLS file (paths relative to this directory), as `--check` does. */
  checkFilesIn?: string;
}

/** Validates without throwing: either a config or the list of problems. */
export function validateProxyConfig(
  text: string,
  file: string,
  opts: ValidateOptions = {},
): { config?: ProxyConfig; issues: ConfigIssue[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0]?.line ?? 1,
      key: 'yaml',
      message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    }));
    return { issues };
  }
  const lines = lineResolver(doc, counter);
  const result = proxyConfigSchema.safeParse(doc.toJS() ?? undefined);
  if (!result.success) {
    const issues: ConfigIssue[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          const path = [...issue.path, k] as (string | number)[];
          issues.push({ file, line: lines.lineOf(path), key: keyOfPath(path), message: UNKNOWN_KEY });
        }
      } else {
        const path = issue.path as (string | number)[];
        issues.push({ file, line: lines.lineOf(path), key: keyOfPath(path), message: issue.message });
      }
    }
    return { issues };
  }
  const config = withLines(result.data, lines);
  const issues = checkSemantics(config).map((p) => ({
    file,
    line: lines.lineOf(p.path),
    key: keyOfPath(p.path),
    message: p.message,
  }));
  if (issues.length === 0 && opts.checkFilesIn !== undefined)
    issues.push(...checkTlsFiles(config, opts.checkFilesIn, file, lines));
  return issues.length > 0 ? { issues } : { config, issues };
}

function checkTlsFiles(config: ProxyConfig, baseDir: string, file: string, lines: LineResolver): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.frontends.forEach((f, i) => {
    if (!f.tls) return;
    try {
      loadTlsMaterial(f.tls, baseDir);
    } catch (err) {
      const sub = err instanceof TlsMaterialError ? err.key : 'cert';
      const path: (string | number)[] = ['frontends', i, 'tls'];
      for (const m of sub.matchAll(/([A-Za-z_]+)|\[(\d+)\]/g)) path.push(m[1] ?? Number(m[2]));
      const message = err instanceof TlsMaterialError ? err.message.slice(err.key.length + 2) : String(err);
      issues.push({ file, line: lines.lineOf(path, false), key: keyOfPath(path), message });
    }
  });
  return issues;
}

const UNKNOWN_KEY = 'unknown key (check the spelling; proxy/README.md lists the keys of each section)';

/** Parses and validates; throws `ConfigError` listing every problem. */
export function parseProxyConfig(text: string, file: string): ProxyConfig {
  const { config, issues } = validateProxyConfig(text, file);
  if (!config) throw new ConfigError(issues);
  return config;
}

function withLines(parsed: ParsedConfig, lines: LineResolver): ProxyConfig {
  return {
    global: parsed.global as ProxyConfig['global'],
    admin: parsed.admin ? { ...parsed.admin, line: lines.lineOf(['admin', 'bind']) } : null,
    frontends: parsed.frontends.map((f, i) => ({
      ...f,
      tls: f.tls ? { ...f.tls, verify: f.tls.verify ?? (f.tls.client_ca ? 'required' : 'none') } : null,
      line: lines.lineOf(['frontends', i, 'bind']),
    })),
    backends: parsed.backends.map((b, i) => ({
      ...b,
      line: lines.lineOf(['backends', i]),
      servers: b.servers.map((s, j) => ({ ...s, line: lines.lineOf(['backends', i, 'servers', j]) })),
    })),
  };
}

/** The config without parser-added `line` fields, as a plain object ready for `yaml.stringify`. */
export function toPlainConfig(cfg: ProxyConfig): unknown {
  return JSON.parse(JSON.stringify(cfg, (key, value) => (key === 'line' ? undefined : value)));
}

/** YAML text for a (possibly rewritten) config; `parseProxyConfig(serializeProxyConfig(c))` round-trips. */
export function serializeProxyConfig(cfg: ProxyConfig): string {
  return stringify(toPlainConfig(cfg));
}
