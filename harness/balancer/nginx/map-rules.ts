/**
 * Single-directive rules of the nginx mapping: log targets into the run directory, certificate paths to the run's
 * TLS files (or made absolute), and production-sized worker settings scaled to the machine.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { fdReserve, type MachineLimits } from '../machine-limits.js';
import { directiveText, type NginxDirective } from './parse.js';

/** error_log / access_log moved into the run directory (access logs keep their file name); undefined: unchanged. */
export function mapLogTarget(
  d: NginxDirective,
  runDir: string,
): { text: string; why: string; file?: string } | undefined {
  const [target = '', ...rest] = d.argTokens.map((t) => t.raw);
  const value = d.args[0] ?? '';
  if (value === 'off' || value === 'stderr' || value.startsWith('memory:') || value.startsWith(runDir))
    return undefined;
  const name =
    d.name === 'error_log'
      ? 'error.log'
      : value.startsWith('syslog:') || value.includes('$') || !path.basename(value)
        ? 'access.log'
        : path.basename(value);
  const file = path.join(runDir, name);
  return {
    text: [d.name, file, ...rest].join(' ') + ';',
    why: `${d.name === 'error_log' ? 'error' : 'access'} log ${target} moved into the run directory`,
    file,
  };
}

type TlsFile = 'cert' | 'key' | 'clientCa' | 'ca';
const CERT_TARGETS: Record<string, TlsFile> = {
  ssl_certificate: 'cert',
  ssl_certificate_key: 'key',
  ssl_client_certificate: 'clientCa',
  ssl_trusted_certificate: 'clientCa',
  proxy_ssl_trusted_certificate: 'ca',
};
/** File directives the run's PKI has no counterpart for. */
const UNMAPPABLE = new Set(['ssl_crl', 'proxy_ssl_certificate', 'proxy_ssl_certificate_key', 'proxy_ssl_crl']);
const PATH_DIRECTIVES = new Set([
  ...Object.keys(CERT_TARGETS),
  ...UNMAPPABLE,
  'ssl_dhparam',
  'ssl_password_file',
  'ssl_stapling_file',
  'ssl_session_ticket_key',
]);

/** A certificate directive mapped to the run's TLS files (asked), else a relative path made absolute. */
export function mapCertificatePath(
  d: NginxDirective,
  tls: BalancerTls | undefined,
  confDir: string,
): { text: string; why: string } | undefined {
  if (!PATH_DIRECTIVES.has(d.name)) return undefined;
  const value = d.args[0] ?? '';
  if (tls?.mapCertificates) {
    const target = CERT_TARGETS[d.name];
    if (target)
      return {
        text: `${d.name} ${tls[target]};`,
        why: `certificate path mapped to the run's generated PKI (${target})`,
      };
    if (UNMAPPABLE.has(d.name))
      throw new ConfigError(
        `${d.name} ${value}: the run's generated PKI has no counterpart for this file`,
        d.file,
        d.line,
        `remove \`${directiveText(d)}\` for the test run, or run with tls.pki: user`,
      );
    return undefined;
  }
  if (!value || path.isAbsolute(value) || value.includes('$') || /^(data|engine|store):/.test(value)) return undefined;
  return {
    text: `${d.name} ${path.join(confDir, value)};`,
    why: `relative path resolved against ${confDir} (the config runs from the run directory)`,
  };
}

/** A production-sized worker setting scaled to the machine; undefined when it fits. */
export function fitNginxLine(
  d: NginxDirective,
  machine: MachineLimits,
): { original: string; asRun: string; reason: string } | undefined {
  const n = Number(d.args[0]);
  if (!Number.isInteger(n)) return undefined;
  const fitTo = (value: number, reason: string): { original: string; asRun: string; reason: string } => ({
    original: directiveText(d),
    asRun: `${d.name} ${value};`,
    reason,
  });
  const limit = `open-files hard limit ${machine.where === 'this machine' ? 'here' : `in ${machine.where}`} is ${machine.openFiles}`;
  if (d.name === 'worker_rlimit_nofile' && !d.context.length && n > machine.openFiles)
    return fitTo(machine.openFiles, limit);
  const budget = machine.openFiles - fdReserve(machine.openFiles);
  if (d.name === 'worker_connections' && d.context.at(-1) === 'events' && n > budget)
    return fitTo(budget, `${limit}; ${fdReserve(machine.openFiles)} descriptors kept for listeners and logs`);
  if (d.name === 'worker_processes' && !d.context.length && n > machine.cpus)
    return fitTo(machine.cpus, `${machine.where} has ${machine.cpus} CPUs`);
  return undefined;
}
