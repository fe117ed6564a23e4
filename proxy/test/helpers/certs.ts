/** Throw-away PKI for TLS tests, generated with the openssl CLI into a temp dir (never committed). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  path(name: string): string;
  /** Issues `<name>.pem` / `<name>.key` signed by the CA (or by `otherca`). */
  issue(name: string, cn: string, san?: string, ca?: 'ca' | 'otherca'): void;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name} test CA`,
  ]);
}

export function createPki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-proxy-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'otherca');
  const pki: TestPki = {
    dir,
    path: (name) => path.join(dir, name),
    issue(name, cn, san, ca = 'ca') {
      openssl(dir, [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${cn}`,
      ]);
      const ext = `${name}.ext`;
      writeFileSync(path.join(dir, ext), san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.pem`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${name}.pem`,
        '-extfile',
        ext,
      ]);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return pki;
}
