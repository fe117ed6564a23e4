/**
 * MQTT over TLS through the balancer for suites: MQTT.js options that verify like a careful client (the run's CA,
 * the balancer's name as SNI and host-name check, the client certificate under mTLS), and placement on distinct nodes.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Deployment, NodeName } from '../types.js';
import type { ClientPool } from '../clients/mqtt.js';
import { nodeOfClient, type PlacedClient } from '../clients/placement.js';
import type { CertKeyPaths } from '../pki/pki.js';
import type { RunTls } from '../pki/run-tls.js';

export interface MqttsChoice {
  /** Trust anchor (path); default the run's CA. */
  ca?: string;
  /** SNI and host-name-check name; default the balancer's first server name. */
  servername?: string;
  /** Client certificate; default the run's valid one under mTLS, none otherwise; null = none. */
  client?: CertKeyPaths | null;
  /** false: chain verified, host name not checked (mosquitto's --insecure). */
  checkHostname?: boolean;
}

export function mqttsOptions(tls: RunTls, c: MqttsChoice = {}): IClientOptions {
  const client = c.client === null ? undefined : (c.client ?? (tls.mtls ? tls.client : undefined));
  const opts: IClientOptions = {
    protocol: 'mqtts',
    ca: readFileSync(c.ca ?? tls.ca),
    servername: c.servername ?? tls.servername,
    rejectUnauthorized: true,
  };
  if (client) Object.assign(opts, { cert: readFileSync(client.cert), key: readFileSync(client.key) });
  if (c.checkHostname === false) Object.assign(opts, { checkServerIdentity: skipHostnameCheck });
  return opts;
}

/**
 * TLS errors carry the peer certificate (`cert`, circular through issuerCertificate), which breaks Jest's JSON
 * results when a test fails with one: rethrow message and code only.
 */
function plainError(err: NodeJS.ErrnoException): never {
  throw Object.assign(new Error(err.message), err.code ? { code: err.code } : {});
}

function skipHostnameCheck(): undefined {
  return undefined;
}

/** Connects over MQTT/TLS through the balancer and asks the cluster where the client landed. */
export async function connectMqttsPlaced(
  d: Deployment,
  pool: ClientPool,
  tls: RunTls,
  clientId: string,
  c: MqttsChoice = {},
  extra: IClientOptions = {},
): Promise<PlacedClient> {
  if (!d.endpoints.mqtts) throw new Error('the deployment has no MQTT/TLS endpoint');
  // A server that refuses a client certificate by closing (Node/TS-proxy, no alert) leaves MQTT.js waiting for CONNACK:
  // the caller's connectTimeout bounds that wait too.
  const client = await pool
    .connect(d.endpoints.mqtts, { ...extra, ...mqttsOptions(tls, c), clientId }, extra.connectTimeout ?? 10_000)
    .catch(plainError);
  return { client, clientId, node: await nodeOfClient(d, clientId) };
}

/**
 * Connects over MQTT/TLS until `count` clients sit on `count` distinct nodes (bounded: 12 attempts per client). After a
 * few attempts from one source address it varies the source (127.0.2.x), for source-hash balancing.
 */
export async function connectMqttsOnDistinctNodes(
  d: Deployment,
  pool: ClientPool,
  tls: RunTls,
  count: number,
  prefix: string,
  c: MqttsChoice = {},
): Promise<PlacedClient[]> {
  const placed = new Map<NodeName, PlacedClient>();
  const maxAttempts = 12 * count;
  for (let i = 0; i < maxAttempts && placed.size < count; i++) {
    const localAddress = i >= 2 * count ? `127.0.2.${(i % 250) + 1}` : undefined;
    const p = await connectMqttsPlaced(
      d,
      pool,
      tls,
      `${prefix}-${i}`,
      c,
      localAddress ? ({ localAddress } as IClientOptions) : {},
    );
    if (placed.has(p.node)) await new Promise<void>((r) => p.client.end(true, {}, () => r()));
    else placed.set(p.node, p);
  }
  if (placed.size < count)
    throw new Error(
      `could not place ${count} MQTT/TLS clients on distinct nodes through the balancer in ${maxAttempts} attempts (got ${[...placed.keys()].join(', ')})`,
    );
  return [...placed.values()];
}
