/**
 * A throw-away PKI for one test run: CAs and certificates for the good and the bad TLS cases.
 * Generated at run time (nothing checked in); keys written with mode 0600.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { issueCertificate, type Issued, type KeyType } from './x509-issue.js';
import { writePublicPem, writeSecretPem } from './pem.js';

export type { KeyType } from './x509-issue.js';
export { loadUserPki, type UserPkiPaths, type UserPki } from './user-pki.js';

export interface CertKeyPaths {
  cert: string;
  key: string;
}
/** A server certificate: cert, key, and the HAProxy-style combined PEM (cert then key). */
export interface ServerCertPaths extends CertKeyPaths {
  combined: string;
}

export interface Pki {
  dir: string;
  keyType: KeyType;
  /** Names the server certificate covers (DNS or IP SANs); always includes 127.0.0.1. */
  serverNames: string[];
  /** Trust anchor for the good server certificates (--cafile). */
  ca: string;
  caKey: string;
  /** Valid server certificate for serverNames + 127.0.0.1. */
  server: ServerCertPaths;
  /** Valid, same CA, but only for WRONG_HOST_NAME: fails the host-name check. */
  wrongHost: ServerCertPaths;
  /** Same CA and names, notAfter in the past. */
  expired: ServerCertPaths;
  /** CA that signs client certificates (HAProxy `ca-file` for `verify required`). */
  clientCa: string;
  clientCaKey: string;
  client: CertKeyPaths;
  /** A CA nobody trusts; it signed unknownCaServer and unknownClient. */
  unknownCa: string;
  unknownCaKey: string;
  /** Server certificate for the right names from the unknown CA ("unknown CA → refused"). */
  unknownCaServer: ServerCertPaths;
  /** Client certificate from the unknown CA (refused by a server that trusts clientCa). */
  unknownClient: CertKeyPaths;
  /** Wall time of generatePki, ms. */
  generationMs: number;
}

export interface GeneratePkiOptions {
  serverNames: string[];
  ipAddresses?: string[];
  keyType?: KeyType;
}

export const WRONG_HOST_NAME = 'wrong-host.invalid';
const DAY = 86_400_000;

async function writeServer(dir: string, base: string, issued: Issued): Promise<ServerCertPaths> {
  const [cert, key, combined] = await Promise.all([
    writePublicPem(join(dir, `${base}.crt`), issued.certPem),
    writeSecretPem(join(dir, `${base}.key`), issued.keyPem),
    writeSecretPem(join(dir, `${base}.pem`), issued.certPem + issued.keyPem),
  ]);
  return { cert, key, combined };
}

async function writeClient(dir: string, base: string, issued: Issued): Promise<CertKeyPaths> {
  const [cert, key] = await Promise.all([
    writePublicPem(join(dir, `${base}.crt`), issued.certPem),
    writeSecretPem(join(dir, `${base}.key`), issued.keyPem),
  ]);
  return { cert, key };
}

async function writeCa(dir: string, base: string, issued: Issued): Promise<{ cert: string; key: string }> {
  return writeClient(dir, base, issued);
}

/** Generates the run's PKI into `dir` (created, mode 0700). */
export async function generatePki(dir: string, opts: GeneratePkiOptions): Promise<Pki> {
  const started = performance.now();
  const keyType = opts.keyType ?? 'rsa2048';
  const dnsNames = [...new Set(opts.serverNames)];
  const ipAddresses = [...new Set(['127.0.0.1', ...(opts.ipAddresses ?? [])])].filter((ip) => !dnsNames.includes(ip));
  const now = Date.now();
  const caValidity = { notBefore: new Date(now - 60 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const leafValidity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 365 * DAY) };
  const expiredValidity = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) };
  const commonName = dnsNames[0] ?? '127.0.0.1';

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const [ca, clientCa, unknownCa] = await Promise.all([
    issueCertificate({ commonName: 'mqtt-lb-harness test CA', usage: 'ca', keyType, ...caValidity }),
    issueCertificate({ commonName: 'mqtt-lb-harness client CA', usage: 'ca', keyType, ...caValidity }),
    issueCertificate({ commonName: 'mqtt-lb-harness unknown CA', usage: 'ca', keyType, ...caValidity }),
  ]);
  const right = { commonName, usage: 'server' as const, keyType, dnsNames, ipAddresses };
  const [server, wrongHost, expired, unknownCaServer, client, unknownClient] = await Promise.all([
    issueCertificate({ ...right, ...leafValidity }, ca),
    issueCertificate(
      { commonName: WRONG_HOST_NAME, usage: 'server', keyType, dnsNames: [WRONG_HOST_NAME], ...leafValidity },
      ca,
    ),
    issueCertificate({ ...right, ...expiredValidity }, ca),
    issueCertificate({ ...right, ...leafValidity }, unknownCa),
    issueCertificate({ commonName: 'harness-client', usage: 'client', keyType, ...leafValidity }, clientCa),
    issueCertificate({ commonName: 'unknown-client', usage: 'client', keyType, ...leafValidity }, unknownCa),
  ]);

  const [caPaths, clientCaPaths, unknownCaPaths] = await Promise.all([
    writeCa(dir, 'ca', ca),
    writeCa(dir, 'client-ca', clientCa),
    writeCa(dir, 'unknown-ca', unknownCa),
  ]);
  const [serverPaths, wrongHostPaths, expiredPaths, unknownCaServerPaths, clientPaths, unknownClientPaths] =
    await Promise.all([
      writeServer(dir, 'server', server),
      writeServer(dir, 'wrong-host', wrongHost),
      writeServer(dir, 'expired', expired),
      writeServer(dir, 'unknown-ca-server', unknownCaServer),
      writeClient(dir, 'client', client),
      writeClient(dir, 'unknown-client', unknownClient),
    ]);
  return {
    dir,
    keyType,
    serverNames: [...dnsNames, ...ipAddresses],
    ca: caPaths.cert,
    caKey: caPaths.key,
    server: serverPaths,
    wrongHost: wrongHostPaths,
    expired: expiredPaths,
    clientCa: clientCaPaths.cert,
    clientCaKey: clientCaPaths.key,
    client: clientPaths,
    unknownCa: unknownCaPaths.cert,
    unknownCaKey: unknownCaPaths.key,
    unknownCaServer: unknownCaServerPaths,
    unknownClient: unknownClientPaths,
    generationMs: Math.round(performance.now() - started),
  };
}
