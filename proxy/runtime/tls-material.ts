/**
 * TLS material of a frontend: the default certificate, SNI certificates, client CA and protocol
 * settings, read from PEM files (paths relative to the config file). Re-read on every reload.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { TlsConfig } from '../config/types.js';

export interface TlsMaterial {
  /** Options for `tls.createServer` / `server.setSecureContext`. */
  contextOptions: tls.SecureContextOptions;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  /** SNI patterns (exact or `*.suffix`) → context. */
  sni: { pattern: string; context: tls.SecureContext }[];
}

/** A problem with one TLS setting; `key` is relative to the frontend's `tls` section. */
export class TlsMaterialError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

function readPem(baseDir: string, file: string, key: string): Buffer {
  const full = path.resolve(baseDir, file);
  try {
    return readFileSync(full);
  } catch (err) {
    throw new TlsMaterialError(key, `cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function context(opts: tls.SecureContextOptions, key: string): tls.SecureContext {
  try {
    return tls.createSecureContext(opts);
  } catch (err) {
    throw new TlsMaterialError(key, `invalid certificate, key or settings: ${(err as Error).message}`);
  }
}

export function loadTlsMaterial(cfg: TlsConfig, baseDir: string): TlsMaterial {
  const contextOptions: tls.SecureContextOptions = {
    cert: readPem(baseDir, cfg.cert, 'cert'),
    key: readPem(baseDir, cfg.key, 'key'),
    minVersion: cfg.min_version,
  };
  if (cfg.ciphers) contextOptions.ciphers = cfg.ciphers;
  if (cfg.client_ca && cfg.verify !== 'none') contextOptions.ca = readPem(baseDir, cfg.client_ca, 'client_ca');
  context(contextOptions, 'cert');
  const sni = cfg.sni.map((entry, i) => {
    const opts = {
      ...contextOptions,
      cert: readPem(baseDir, entry.cert, `sni[${i}].cert`),
      key: readPem(baseDir, entry.key, `sni[${i}].key`),
    };
    return { pattern: entry.servername.toLowerCase(), context: context(opts, `sni[${i}].cert`) };
  });
  return {
    contextOptions,
    requestCert: cfg.verify !== 'none',
    rejectUnauthorized: cfg.verify === 'required',
    sni,
  };
}

/** Finds the SNI context for `servername`: exact match first, then `*.` wildcard of one label. */
export function matchSni(table: TlsMaterial['sni'], servername: string): tls.SecureContext | undefined {
  const name = servername.toLowerCase();
  for (const e of table) if (e.pattern === name) return e.context;
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const wildcard = `*${name.slice(dot)}`;
  for (const e of table) if (e.pattern === wildcard) return e.context;
  return undefined;
}
