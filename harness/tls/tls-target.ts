/**
 * Where a suite's TLS checks go and how findings name it: the balancer's MQTT/TLS endpoint, the frontend and its
 * config line, who terminates TLS (balancer or nodes), and the config setting to change for each kind of problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Deployment, HostPort } from '../types.js';
import type { RunTls } from '../pki/run-tls.js';
import { balancerKind, remediesOf } from '../balancer/kinds.js';
import type { TlsRemedies } from '../balancer/remedies.js';

export type { TlsRemedies } from '../balancer/remedies.js';

export interface TlsTarget extends HostPort {
  /** SNI / host-name-check name. */
  servername: string;
  terminatedBy: 'balancer' | 'nodes';
  frontend?: string;
  /** The user's config file and the frontend's bind line, when known. */
  file?: string;
  line?: number;
  /** The bind line as the user wrote it. */
  source?: string;
  /** "frontend 'emqx_ssl' (offload.cfg:47)" or "the nodes' TLS listeners (passthrough via frontend 'emqx_ssl')". */
  where: string;
  remedies: TlsRemedies;
}

function configLine(file: string | undefined, line: number | undefined): string | undefined {
  if (!file || !line) return undefined;
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1]?.trim();
  } catch {
    return undefined;
  }
}

/** Setting to change, per balancer kind (its `remedies.tls`) and topology (passthrough: the nodes' listener, EMQX names). */
export function remediesFor(kind: string, topology: RunTls['topology']): TlsRemedies {
  if (topology === 'passthrough') {
    return {
      versions:
        'On the nodes (passthrough): EMQX `listeners.ssl.default.ssl_options.versions = ["tlsv1.3", "tlsv1.2"]`.',
      ciphers:
        'On the nodes (passthrough): EMQX `listeners.ssl.default.ssl_options.ciphers` with ECDHE AEAD suites only.',
      mtls: 'On the nodes (passthrough): EMQX `listeners.ssl.default.ssl_options.verify = verify_peer` and `fail_if_no_peer_cert = true`, `cacertfile` = the client CA.',
      certificate:
        "On the nodes (passthrough): EMQX `listeners.ssl.default.ssl_options.certfile`/`keyfile` — every node must serve a certificate for the balancer's names.",
    };
  }
  return { ...remediesOf(kind).tls };
}

/** The MQTT/TLS endpoint through the balancer; throws when the deployment has none. */
export function tlsTarget(d: Deployment, tls: RunTls): TlsTarget {
  const mqtts = d.endpoints.mqtts;
  if (!mqtts)
    throw new Error('the balancer config has no MQTT/TLS frontend (an `ssl` bind, or a backend on port 8883)');
  const entry = Object.entries(d.endpoints.frontends).find(([, f]) => f.host === mqtts.host && f.port === mqtts.port);
  const frontend = entry?.[0];
  const file = d.balancer.configFile;
  // Offload: the kind may keep TLS settings apart from the bind line (TS-proxy's `tls:` block); else the bind line.
  const tlsSettingsAt = balancerKind(d.balancer.kind)?.tlsSettingsAt;
  const tlsBlock =
    tlsSettingsAt && tls.topology === 'offload' && file && frontend ? tlsSettingsAt(file, frontend) : undefined;
  const line = tlsBlock?.line ?? entry?.[1].line;
  const at = file && line ? ` (${path.basename(file)}:${line})` : '';
  const where =
    tls.topology === 'passthrough'
      ? `the nodes' TLS listeners (passthrough via frontend '${frontend ?? '?'}'${at})`
      : `frontend '${frontend ?? '?'}'${at}`;
  return {
    ...mqtts,
    servername: tls.servername,
    terminatedBy: tls.topology === 'passthrough' ? 'nodes' : 'balancer',
    frontend,
    file,
    line,
    source: tlsBlock?.source ?? configLine(file, line),
    where,
    remedies: remediesFor(d.balancer.kind, tls.topology),
  };
}

/** Finding location fields for the target's bind line (omitted when unknown). */
export function locationOf(t: TlsTarget): { file?: string; line?: number } {
  return t.file && t.line ? { file: t.file, line: t.line } : {};
}
