/**
 * Small PEM helpers: write key/cert files with the right modes, and accept "a path or PEM text" options.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';

const PEM_RE = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/g;

export function isPemText(s: string): boolean {
  return s.includes('-----BEGIN ');
}

/** All PEM blocks in a text, each ending with a newline. */
export function pemBlocks(text: string): string[] {
  return (text.match(PEM_RE) ?? []).map((b) => `${b}\n`);
}

/** DER bytes → PEM text with the given label (e.g. "CERTIFICATE", "PRIVATE KEY"). */
export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Writes a public file (certificate): mode 0644. */
export async function writePublicPem(path: string, pem: string): Promise<string> {
  await writeFile(path, pem, { mode: 0o644 });
  await chmod(path, 0o644);
  return path;
}

/** Writes a secret file (private key, or a combined cert+key): mode 0600, also when the file existed. */
export async function writeSecretPem(path: string, pem: string): Promise<string> {
  await writeFile(path, pem, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** A TLS option given either as PEM text or as a file path → PEM text (Buffer). */
export async function pemOrPath(value: string | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(value)) return value;
  if (isPemText(value)) return Buffer.from(value);
  try {
    return await readFile(value);
  } catch (err) {
    throw new Error(`cannot read PEM file ${value}: ${(err as Error).message}`);
  }
}

/** Like pemOrPath, for an option that may also be a list (tls `ca`). */
export async function pemListOrPath(value: string | Buffer | Array<string | Buffer>): Promise<Buffer[]> {
  const list = Array.isArray(value) ? value : [value];
  return Promise.all(list.map(pemOrPath));
}
