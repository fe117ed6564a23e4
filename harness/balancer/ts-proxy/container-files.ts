/** What the TS-proxy container needs besides its image: the certificate files its config names, and start errors. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import type { KindFile } from '../kind.js';
import type { MappedTsProxyConfig } from './map-config.js';

/** Where the mapped config goes (proxy/Dockerfile's CMD reads it from there). */
export const TS_PROXY_CFG_PATH = '/etc/ts-proxy/ts-proxy.yaml';

/** Every certificate file the mapped config names (absolute after mapping), at the same path inside the container. */
export function tlsFilesOf(mapped: MappedTsProxyConfig, userFile: string): KindFile[] {
  const paths = new Set<string>();
  for (const f of mapped.config.frontends) {
    if (!f.tls) continue;
    for (const p of [f.tls.cert, f.tls.key, f.tls.client_ca, ...f.tls.sni.flatMap((s) => [s.cert, s.key])])
      if (p) paths.add(p);
  }
  return [...paths].map((p) => {
    if (!path.isAbsolute(p))
      throw new ConfigError(
        `certificate path '${p}' is relative after mapping`,
        userFile,
        undefined,
        'use absolute certificate paths',
      );
    if (!statSync(p, { throwIfNoEntry: false })?.isFile()) {
      const f = mapped.config.frontends.find((x) => x.tls && JSON.stringify(x.tls).includes(JSON.stringify(p)));
      throw new ConfigError(
        `certificate file ${p} does not exist on this machine (it is copied into the TS-proxy container)`,
        userFile,
        f?.line,
        'name an existing file, or let the harness generate the PKI (profile tls.pki: generated)',
      );
    }
    return { source: p, target: p, mode: 0o644 };
  });
}

/** TS-proxy's `start-failed` / config error from a failed container start, as a ConfigError naming the user's file. */
export function explainContainerStartFailure(err: Error, userFile: string): Error {
  const text = err.message.replaceAll(TS_PROXY_CFG_PATH, userFile);
  const failed = /"event":"start-failed".*?"error":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const configErr = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${userFile}:`));
  if (!failed && !configErr) return err;
  return new ConfigError(
    `TS-proxy (container) did not start: ${failed ? (JSON.parse(`"${failed}"`) as string) : configErr}`,
    userFile,
    undefined,
    'fix the config; the container log is in the run directory (MQTT_LB_KEEP_RUN_DIR=1)',
  );
}
