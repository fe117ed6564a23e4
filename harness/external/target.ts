/**
 * The `balancer.kind: external` target of a profile, resolved: `${ENV}` expanded, URLs parsed into host:port,
 * the CA file found. Every problem is a ConfigError naming the profile and the key, before anything connects.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Profile } from '../profile/schema.js';
import type { FaultVerb, HostPort } from '../types.js';

export interface ExternalNode {
  name: string;
  /** The node's REST API (EMQX v5 subset). */
  api: HostPort;
  /** The node's own MQTT listener (bypassing the balancer): given, or the API host on 1883. */
  mqtt: HostPort;
}

export interface ExternalTarget {
  mqtt: HostPort;
  mqtts?: HostPort;
  /** Absolute path of the CA bundle for mqtts. */
  ca?: string;
  dashboard?: HostPort & { tls: boolean };
  nodes: ExternalNode[];
  apiKey?: { key: string; secret: string };
  /** Shell command per fault verb ({node} and {verb} substituted). */
  faults: Partial<Record<FaultVerb, string>>;
}

const DEFAULT_PORTS: Record<string, number> = {
  'mqtt:': 1883,
  'tcp:': 1883,
  'mqtts:': 8883,
  'ssl:': 8883,
  'http:': 80,
  'https:': 443,
};

/** The target names an environment variable that is not set: the profile is not configured for this machine. */
export class TargetNotConfiguredError extends ConfigError {
  override name = 'TargetNotConfiguredError';
}

/** Replaces `${NAME}` with the environment variable; an unset variable is a configuration error. */
export function expandEnv(
  value: string,
  key: string,
  profileFile: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined || v === '')
      throw new TargetNotConfiguredError(
        `${key}: environment variable ${name} is not set`,
        profileFile,
        undefined,
        `export ${name}=… before running, or write the value into the profile`,
      );
    return v;
  });
}

function parseUrl(raw: string, key: string, schemes: string[], file: string): HostPort & { protocol: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key}: '${raw}' is not a URL`, file, undefined, `write it as ${schemes[0]}//host:port`);
  }
  if (!schemes.includes(url.protocol))
    throw new ConfigError(`${key}: '${raw}' must start with ${schemes.map((s) => `${s}//`).join(' or ')}`, file);
  if (!url.hostname) throw new ConfigError(`${key}: '${raw}' names no host`, file);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, protocol: url.protocol };
}

export function resolveExternalTarget(profile: Profile, env: NodeJS.ProcessEnv = process.env): ExternalTarget {
  const t = profile.balancer.target;
  const file = profile.file;
  if (!t) throw new ConfigError('balancer.target is only read for balancer.kind external', file);
  const x = (v: string, key: string): string => expandEnv(v, `balancer.target.${key}`, file, env);
  const hp = (v: string, key: string, schemes: string[]) => {
    const { host, port } = parseUrl(x(v, key), `balancer.target.${key}`, schemes, file);
    return { host, port };
  };
  const out: ExternalTarget = { mqtt: hp(t.mqtt, 'mqtt', ['mqtt:', 'tcp:']), nodes: [], faults: {} };
  if (t.mqtts) out.mqtts = hp(t.mqtts, 'mqtts', ['mqtts:', 'ssl:']);
  if (t.ca) {
    out.ca = path.resolve(path.dirname(file), x(t.ca, 'ca'));
    if (!existsSync(out.ca))
      throw new ConfigError(
        `balancer.target.ca: file not found: ${out.ca}`,
        file,
        undefined,
        'the path is relative to the profile file',
      );
  }
  if (t.dashboard) {
    const d = parseUrl(x(t.dashboard, 'dashboard'), 'balancer.target.dashboard', ['http:', 'https:'], file);
    out.dashboard = { host: d.host, port: d.port, tls: d.protocol === 'https:' };
  }
  for (const [name, spec] of Object.entries(t.nodes).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const apiRaw = typeof spec === 'string' ? spec : spec.api;
    const api = hp(apiRaw, `nodes.${name}${typeof spec === 'string' ? '' : '.api'}`, ['http:']);
    const mqtt =
      typeof spec !== 'string' && spec.mqtt
        ? hp(spec.mqtt, `nodes.${name}.mqtt`, ['mqtt:', 'tcp:'])
        : { host: api.host, port: 1883 };
    out.nodes.push({ name, api, mqtt });
  }
  if (t.api_key) {
    const [key, ...secret] = x(t.api_key, 'api_key').split(':');
    if (!key || !secret.length) throw new ConfigError('balancer.target.api_key: expected "key:secret"', file);
    out.apiKey = { key, secret: secret.join(':') };
  }
  for (const [verb, command] of Object.entries(t.faults)) if (command) out.faults[verb as FaultVerb] = command;
  return out;
}
