/**
 * Certificate paths in a user's haproxy.cfg are production paths (like upstream addresses). With `pki: generated`
 * they are mapped to the run's PKI files: `crt`, `crt-list`, `ca-file`, `ca-verify-file` on `bind` lines, and
 * `ca-file` on `server` / `default-server` lines (backends that verify the nodes' certificates).
 */
import { ConfigError } from '../../errors.js';

/** The run's files that replace the user's certificate paths. */
export interface CertificateMap {
  /** HAProxy combined PEM (certificate then key), for `crt`. */
  crt: string;
  /** A crt-list file naming `crt`, for `crt-list`. */
  crtList: string;
  /** CA that signs client certificates, for `ca-file` / `ca-verify-file` on bind lines (mTLS). */
  clientCa: string;
  /** CA that signed the nodes' certificates, for `ca-file` on server lines. */
  serverCa: string;
}

export interface CertParamChange {
  from: string;
  to: string;
}

type Target = keyof CertificateMap;
const BIND_PARAMS: Record<string, Target> = {
  crt: 'crt',
  'crt-list': 'crtList',
  'ca-file': 'clientCa',
  'ca-verify-file': 'clientCa',
};
const SERVER_PARAMS: Record<string, Target> = { 'ca-file': 'serverCa' };
/** Parameters naming files the generated PKI has no counterpart for. */
const UNMAPPABLE: Record<'bind' | 'server', string[]> = {
  bind: ['crl-file'],
  server: ['crl-file', 'crt'],
};

/** Whether a keyword line carries a parameter this module maps. */
export function hasCertificateParams(kind: 'bind' | 'server', params: readonly string[]): boolean {
  const table = kind === 'bind' ? BIND_PARAMS : SERVER_PARAMS;
  return params.some((p) => p in table || UNMAPPABLE[kind].includes(p));
}

/**
 * Returns the parameters with certificate paths replaced (the keyword's argument only; everything else kept),
 * and the changes made. Throws a ConfigError naming the line for a file parameter the run's PKI cannot provide.
 */
export function mapCertificateParams(
  kind: 'bind' | 'server',
  params: readonly string[],
  map: CertificateMap,
  file: string,
  line: number,
): { params: string[]; changes: CertParamChange[] } {
  const table = kind === 'bind' ? BIND_PARAMS : SERVER_PARAMS;
  const out = [...params];
  const changes: CertParamChange[] = [];
  for (let i = 0; i < out.length - 1; i++) {
    const keyword = out[i]!;
    if (UNMAPPABLE[kind].includes(keyword)) {
      throw new ConfigError(
        `'${keyword} ${out[i + 1]}' names a file the run's generated PKI has no counterpart for`,
        file,
        line,
        `remove '${keyword}' for the test run, or point the profile's tls.pki at your own files (then your paths are kept)`,
      );
    }
    const target = table[keyword];
    if (!target) continue;
    const to = map[target];
    changes.push({ from: `${keyword} ${out[i + 1]}`, to: `${keyword} ${to}` });
    out[i + 1] = to;
    i++;
  }
  return { params: out, changes };
}
