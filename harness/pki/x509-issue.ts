/**
 * Issuing keys and X.509 certificates at run time: Node's WebCrypto (native key generation) + @peculiar/x509.
 */
import 'reflect-metadata'; // tsyringe (used by @peculiar/x509) needs the Reflect metadata polyfill first
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { derToPem } from './pem.js';

x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

export type KeyType = 'rsa2048' | 'ec-p256';
type KeyPair = webcrypto.CryptoKeyPair;

export interface CertSpec {
  commonName: string;
  usage: 'ca' | 'server' | 'client';
  keyType: KeyType;
  notBefore: Date;
  notAfter: Date;
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** A certificate with its private key, as PEM and as objects (to sign further certificates). */
export interface Issued {
  certPem: string;
  keyPem: string;
  keyType: KeyType;
  keys: KeyPair;
  cert: x509.X509Certificate;
}

const KEY_ALGORITHMS: Record<KeyType, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  rsa2048: {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  },
  'ec-p256': { name: 'ECDSA', namedCurve: 'P-256' },
};

const SIGNING_ALGORITHMS: Record<KeyType, webcrypto.Algorithm | webcrypto.EcdsaParams> = {
  rsa2048: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.Algorithm,
  'ec-p256': { name: 'ECDSA', hash: 'SHA-256' },
};

export async function generateKeys(keyType: KeyType): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHMS[keyType], true, ['sign', 'verify'])) as KeyPair;
}

/** RFC 4514 escaping for an attribute value (CN from a user-given host name). */
function escapeDnValue(v: string): string {
  return v
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

function usageExtensions(spec: CertSpec): x509.Extension[] {
  const F = x509.KeyUsageFlags;
  if (spec.usage === 'ca') {
    return [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(F.keyCertSign | F.cRLSign, true),
    ];
  }
  const sign = spec.keyType === 'rsa2048' ? F.digitalSignature | F.keyEncipherment : F.digitalSignature;
  const eku = spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(sign, true),
    new x509.ExtendedKeyUsageExtension([eku]),
  ];
}

function sanExtension(spec: CertSpec): x509.Extension[] {
  const names: Array<{ type: 'dns' | 'ip'; value: string }> = [];
  for (const n of spec.dnsNames ?? []) names.push(isIP(n) ? { type: 'ip', value: n } : { type: 'dns', value: n });
  for (const ip of spec.ipAddresses ?? []) {
    if (!isIP(ip)) throw new Error(`not an IP address: ${ip}`);
    names.push({ type: 'ip', value: ip });
  }
  return names.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(names, false)];
}

/**
 * Issues a certificate for `spec`, signed by `issuer` (or self-signed when no issuer is given).
 * A random 16-byte positive serial number; SHA-256 signatures.
 */
export async function issueCertificate(spec: CertSpec, issuer?: Issued): Promise<Issued> {
  if (!issuer && spec.usage !== 'ca') throw new Error('only a CA certificate may be self-signed here');
  const keys = await generateKeys(spec.keyType);
  const subject = `CN=${escapeDnValue(spec.commonName)}, O=mqtt-lb-harness`;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive INTEGER
  const extensions: x509.Extension[] = [
    ...usageExtensions(spec),
    ...sanExtension(spec),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey as never));
  const common = {
    serialNumber: serial.toString('hex'),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    extensions,
  };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: issuer.cert.subject,
        publicKey: keys.publicKey as never,
        signingKey: issuer.keys.privateKey as never,
        signingAlgorithm: SIGNING_ALGORITHMS[issuer.keyType] as never,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name: subject,
        keys: keys as never,
        signingAlgorithm: SIGNING_ALGORITHMS[spec.keyType] as never,
      });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: derToPem(pkcs8, 'PRIVATE KEY'),
    keyType: spec.keyType,
    keys,
    cert,
  };
}
