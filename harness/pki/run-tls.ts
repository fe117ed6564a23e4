/**
 * The TLS set-up of one run, from the profile's `tls:` section: the PKI (generated into the run directory, or the
 * user's files), which certificate the balancer (offload) or the nodes (passthrough) serve, and what the suites
 * need to judge it (trust anchor, client certificates, policy). Prepared before the cluster and balancer start.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { TlsProfile, UserPkiProfile } from '../profile/tls-schema.js';
import { generatePki, type CertKeyPaths, type Pki, type ServerCertPaths } from './pki.js';
import { loadUserPki } from './user-pki.js';

/** TLS protocol versions as Node names them, oldest first (a policy's min/max, the probes' order). */
export const PROTOCOL_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** What a balancer needs for TLS offload (balancer-neutral: HAProxy uses `combined`, TS-proxy `cert`/`key`). */
export interface BalancerTls {
  /** true (generated PKI): map the config's certificate paths to these files. false: keep the user's paths. */
  mapCertificates: boolean;
  /** The served server certificate, its key, and both in one PEM (HAProxy `crt`). */
  cert: string;
  key: string;
  combined: string;
  /** A crt-list file naming `combined` (HAProxy `crt-list`). */
  crtList: string;
  /** CA that signs client certificates (mTLS `ca-file`). */
  clientCa: string;
  /** CA that signed the nodes' certificates (backends that verify the nodes). */
  ca: string;
}

/** The run's TLS facts for the suites (Deployment.tls). */
export interface RunTls {
  topology: 'offload' | 'passthrough';
  pki: 'generated' | 'user';
  /** Names clients use to reach the balancer (profile `tls.server_names`). */
  serverNames: string[];
  /** SNI and host-name-check name the harness connects with (the first server name). */
  servername: string;
  /** Which generated server certificate is served (always 'good' with user PKI). */
  certificate: TlsProfile['certificate'];
  mtls: boolean;
  policy: { minVersion: ProtocolVersion; maxVersion: ProtocolVersion; forbiddenCiphers: string[] };
  warnDays: number;
  /** Trust anchor clients verify with (the guide's --cafile). */
  ca: string;
  /** A client certificate the balancer should accept (mTLS); absent with user PKI that names none. */
  client?: CertKeyPaths;
  /** Client CA (mTLS), when known. */
  clientCa?: string;
  /** A CA that signed nothing the run serves ("unknown CA → refused"), and a client certificate from it. Always generated. */
  unknownCa: string;
  unknownClient: CertKeyPaths;
  /** The server certificate files the run serves; absent with user PKI whose files the profile does not name. */
  served?: ServerCertPaths;
  /** Directory of the generated PKI (inside the run directory; keys 0600). */
  pkiDir: string;
  generationMs: number;
}

export interface PreparedTls {
  tls: RunTls;
  /** For the balancer start spec (offload; also passthrough configs that verify the nodes). */
  balancer: BalancerTls;
  /** For ClusterSpec.tls (passthrough: the nodes serve the certificate). */
  nodes?: { cert: string; key: string; ca?: string };
}

function servedOf(pki: Pki, which: TlsProfile['certificate']): ServerCertPaths {
  return which === 'expired' ? pki.expired : which === 'wrong-host' ? pki.wrongHost : pki.server;
}

async function userFiles(
  user: UserPkiProfile,
  baseDir: string,
  profileFile: string,
): Promise<{ ca: string; served?: ServerCertPaths; clientCa?: string; client?: CertKeyPaths }> {
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(baseDir, p));
  const combined = abs(user.combined);
  const cert = abs(user.cert) ?? combined;
  const key = abs(user.key) ?? combined;
  const client =
    user.client_cert && user.client_key ? { cert: abs(user.client_cert)!, key: abs(user.client_key)! } : undefined;
  try {
    await loadUserPki({
      ca: abs(user.ca),
      server: cert || combined ? { cert: abs(user.cert), key: abs(user.key), combined } : undefined,
      clientCa: abs(user.client_ca),
      client,
    });
  } catch (err) {
    throw new ConfigError(
      (err as Error).message,
      profileFile,
      undefined,
      'fix the paths under tls.pki (relative to the profile file)',
    );
  }
  const served = cert && key ? { cert, key, combined: combined ?? cert } : undefined;
  return { ca: abs(user.ca)!, served, clientCa: abs(user.client_ca), client };
}

/**
 * Generates (or loads) the run's PKI into `<runDir>/tls`. The generated PKI is always made: it provides the
 * unknown-CA material, and with `pki: generated` everything else.
 */
export async function prepareRunTls(
  profileTls: TlsProfile,
  runDirPath: string,
  profileFile: string,
): Promise<PreparedTls> {
  const dir = path.join(runDirPath, 'tls');
  const user = profileTls.pki === 'generated' ? undefined : profileTls.pki;
  const pki = await generatePki(dir, {
    serverNames: profileTls.server_names,
    keyType: user ? 'ec-p256' : profileTls.key_type,
  });
  const files = user
    ? await userFiles(user, path.dirname(profileFile), profileFile)
    : { ca: pki.ca, served: servedOf(pki, profileTls.certificate), clientCa: pki.clientCa, client: pki.client };
  const crtList = path.join(dir, 'crt-list.txt');
  const served = files.served ?? servedOf(pki, 'good');
  await writeFile(crtList, `${served.combined}\n`, { mode: 0o600 });

  const tls: RunTls = {
    topology: profileTls.topology,
    pki: user ? 'user' : 'generated',
    serverNames: profileTls.server_names,
    servername: profileTls.server_names[0]!,
    certificate: profileTls.certificate,
    mtls: profileTls.mtls === 'required',
    policy: {
      minVersion: profileTls.policy.min_version,
      maxVersion: profileTls.policy.max_version,
      forbiddenCiphers: profileTls.policy.forbidden_ciphers,
    },
    warnDays: profileTls.warn_days,
    ca: files.ca,
    client: files.client,
    clientCa: files.clientCa,
    unknownCa: pki.unknownCa,
    unknownClient: pki.unknownClient,
    served: files.served,
    pkiDir: dir,
    generationMs: pki.generationMs,
  };
  const balancer: BalancerTls = {
    mapCertificates: !user,
    cert: served.cert,
    key: served.key,
    combined: served.combined,
    crtList,
    clientCa: files.clientCa ?? pki.clientCa,
    ca: files.ca,
  };
  const nodes =
    profileTls.topology === 'passthrough'
      ? { cert: served.cert, key: served.key, ...(tls.mtls && files.clientCa ? { ca: files.clientCa } : {}) }
      : undefined;
  return { tls, balancer, nodes };
}

/**
 * For checks before the run (preflight `haproxy -c`): a throw-away PKI (EC, fast) in a temporary directory, removed
 * after `check`. Also validates the user's files (ConfigError naming the profile).
 */
export async function withPreflightTls<T>(
  profileTls: TlsProfile | undefined,
  profileFile: string,
  check: (tls: BalancerTls | undefined) => Promise<T>,
): Promise<T> {
  if (!profileTls) return check(undefined);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mqtt-lb-preflight-tls-'));
  try {
    const prepared = await prepareRunTls({ ...profileTls, key_type: 'ec-p256' }, dir, profileFile);
    return await check(prepared.balancer);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
