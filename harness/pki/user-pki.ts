/**
 * A profile may point at the user's own certificates instead of a generated PKI: check that they exist and parse.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { certFacts, type CertFacts } from './cert-facts.js';
import { pemBlocks } from './pem.js';

export interface UserPkiPaths {
  /** CA bundle clients verify the balancer with (--cafile). */
  ca?: string;
  /** The balancer's server certificate: cert + key, or an HAProxy combined PEM (or both). */
  server?: { cert?: string; key?: string; combined?: string };
  /** CA the balancer verifies client certificates with (`ca-file`). */
  clientCa?: string;
  client?: { cert: string; key: string };
}

export interface UserPki {
  paths: UserPkiPaths;
  certificates: Array<{ role: string; path: string; facts: CertFacts }>;
}

async function readText(path: string, what: string, problems: string[]): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    problems.push(`${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}

function certsOf(text: string, path: string, what: string, problems: string[]): X509Certificate[] {
  const blocks = pemBlocks(text).filter((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
  if (blocks.length === 0) problems.push(`${what} ${path}: no PEM CERTIFICATE block`);
  const out: X509Certificate[] = [];
  for (const b of blocks) {
    try {
      out.push(new X509Certificate(b));
    } catch (err) {
      problems.push(`${what} ${path}: unparsable certificate (${(err as Error).message})`);
    }
  }
  return out;
}

function keyOf(text: string, path: string, what: string, problems: string[]): KeyObject | undefined {
  const block = pemBlocks(text).find((b) => / PRIVATE KEY-----/.test(b.split('\n')[0]!));
  if (!block) {
    problems.push(`${what} ${path}: no PEM PRIVATE KEY block`);
    return undefined;
  }
  try {
    return createPrivateKey(block);
  } catch (err) {
    problems.push(`${what} ${path}: unparsable private key (${(err as Error).message})`);
    return undefined;
  }
}

/**
 * Validates the user's files: each exists, holds what it should, and each key matches its certificate.
 * Throws one Error listing every problem; returns the facts of each leaf/CA certificate otherwise.
 */
export async function loadUserPki(paths: UserPkiPaths): Promise<UserPki> {
  const problems: string[] = [];
  const certificates: UserPki['certificates'] = [];
  const addCerts = async (role: string, path: string | undefined): Promise<X509Certificate | undefined> => {
    if (!path) return undefined;
    const text = await readText(path, role, problems);
    if (text === undefined) return undefined;
    const certs = certsOf(text, path, role, problems);
    certs.forEach((c, i) =>
      certificates.push({ role: i === 0 ? role : `${role} #${i + 1}`, path, facts: certFacts(c) }),
    );
    return certs[0];
  };
  const checkPair = async (
    role: string,
    certPath: string,
    keyPath: string,
    cert: X509Certificate | undefined,
  ): Promise<void> => {
    const text = await readText(keyPath, `${role} key`, problems);
    const key = text === undefined ? undefined : keyOf(text, keyPath, `${role} key`, problems);
    if (cert && key && !cert.checkPrivateKey(key))
      problems.push(`${role}: key ${keyPath} does not match certificate ${certPath}`);
  };

  await addCerts('ca', paths.ca);
  await addCerts('client CA', paths.clientCa);
  if (paths.server?.cert) {
    const cert = await addCerts('server', paths.server.cert);
    if (paths.server.key) await checkPair('server', paths.server.cert, paths.server.key, cert);
    else if (!paths.server.combined) problems.push(`server: certificate ${paths.server.cert} given without a key`);
  }
  if (paths.server?.combined) {
    const cert = await addCerts('server (combined)', paths.server.combined);
    await checkPair('server (combined)', paths.server.combined, paths.server.combined, cert);
  }
  if (paths.client) {
    const cert = await addCerts('client', paths.client.cert);
    await checkPair('client', paths.client.cert, paths.client.key, cert);
  }
  if (problems.length) throw new Error(`user PKI is not usable:\n- ${problems.join('\n- ')}`);
  return { paths, certificates };
}
