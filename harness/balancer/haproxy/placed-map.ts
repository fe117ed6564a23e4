/** HAProxy's mapping onto a placement: the appended runtime API and the run's certificates, per where it runs. */
import type { Placement } from '../kind.js';
import type { BalancerTls } from '../../pki/run-tls.js';
import { mapHaproxyConfig, type CertificateMap, type MappedHaproxyConfig } from './map-config.js';

/** File name of the runtime API socket of a local HAProxy (in the run directory). */
export const RUNTIME_API_SOCKET = 'runtime-api.sock';

/** The run's files that replace the config's certificate paths (generated PKI only; user PKI keeps the user's paths). */
export function certificateMapOf(tls: BalancerTls | undefined): CertificateMap | undefined {
  return tls?.mapCertificates
    ? { crt: tls.combined, crtList: tls.crtList, clientCa: tls.clientCa, serverCa: tls.ca }
    : undefined;
}

/**
 * Maps the user's config onto `at`. The observation-only runtime API is appended as a unix socket where the placement
 * has one (a local process, a dry run), else on `ipv4@<admin host>:<admin port>` (a container publishes it).
 */
export async function mapHaproxyAt(text: string, file: string, at: Placement): Promise<MappedHaproxyConfig> {
  const statsSocket = at.admin.socket
    ? at.admin.socket(RUNTIME_API_SOCKET)
    : `ipv4@${at.admin.host}:${await at.admin.port()}`;
  const certificates = certificateMapOf(at.tls);
  return mapHaproxyConfig(text, file, {
    nodeNames: at.nodeNames,
    explicit: at.explicit,
    resolve: at.resolve,
    placeBind: (port, used) => at.placeBind(port, used),
    statsSocket,
    ...(certificates ? { certificates } : {}),
    ...(at.socketDir ? { socketDir: at.socketDir } : {}),
    ...(at.machine ? { machine: at.machine } : {}),
  });
}
