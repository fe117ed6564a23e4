/** HAProxy's alerts from a failed start, as errors that name the user's file, line and the fix. */
import { ConfigError } from '../../errors.js';
import { openFilesHardLimit } from '../machine-limits.js';
import type { MappedHaproxyConfig } from './map-config.js';

/** Where a HAProxy config goes in mqtt-lb/haproxy:2.6 (same path as the official haproxy image). */
export const HAPROXY_CFG_PATH = '/usr/local/etc/haproxy/haproxy.cfg';

/** A local process that did not answer on its runtime API. */
function explainProcessFailure(err: Error, mapped: MappedHaproxyConfig, userFile: string): Error {
  if (/Cannot raise FD limit/.test(err.message)) {
    const line = mapped.parsed.sections
      .filter((s) => s.kind === 'global')
      .flatMap((s) => s.lines)
      .find((l) => l.tokens[0] === 'maxconn')?.line;
    return new ConfigError(
      `HAProxy cannot raise its file-descriptor limit for the configured maxconn (this shell allows ${openFilesHardLimit()})`,
      userFile,
      line,
      'lower global `maxconn` (it needs about 2 descriptors per connection) or raise the hard limit (ulimit -Hn); the harness already scaled the settings it knows (see the machine-fit lines of the config as run)',
    );
  }
  if (/cannot bind socket|Address already in use/i.test(err.message)) {
    return new ConfigError(
      `HAProxy could not bind a frontend: ${err.message.split('\n').find((l) => /bind/i.test(l)) ?? ''}`,
      userFile,
      undefined,
      'another process holds the port; stop it or let the harness choose another loopback block',
    );
  }
  return err;
}

/** A container that did not start: its alerts, with the container's config path replaced by the user's file. */
function explainContainerFailure(err: Error, userFile: string): Error {
  const text = err.message.replaceAll(HAPROXY_CFG_PATH, userFile);
  const alert = text.split('\n').find((l) => /ALERT/.test(l));
  if (!alert) return err;
  const line = /:(\d+)\]/.exec(alert)?.[1];
  return new ConfigError(
    `HAProxy (container) rejected the config: ${alert.replace(/^.*?\[ALERT\]\s*\(\d+\)\s*:\s*/, '').trim()}`,
    userFile,
    line ? Number(line) : undefined,
    'fix that line; the last log lines of the container are in the run directory (MQTT_LB_KEEP_RUN_DIR=1)',
  );
}

export function explainHaproxyStartFailure(
  err: Error,
  mapped: MappedHaproxyConfig,
  userFile: string,
  where: 'process' | 'container',
): Error {
  return where === 'process' ? explainProcessFailure(err, mapped, userFile) : explainContainerFailure(err, userFile);
}
