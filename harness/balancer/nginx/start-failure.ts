/**
 * nginx's error lines (`nginx: [emerg] unknown directive "foo" in /run/…/nginx.conf:12`) as errors naming the user's
 * file and line: the mapped main file keeps the user's line numbers, included files keep their own paths.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';

/** Where nginx's config goes in mqtt-lb/nginx (the container's own /etc/nginx/nginx.conf is left alone). */
export const NGINX_CFG_PATH = '/etc/nginx/mqtt-lb/nginx.conf';

const LEVEL = /\[(emerg|alert|crit)\]/;

/** The first emerg/alert/crit line of `text` as a ConfigError on the user's file, or undefined when there is none. */
export function explainNginxMessages(
  text: string,
  cfgFile: string,
  userFile: string,
  what: string,
): ConfigError | undefined {
  const lines = text.replaceAll(cfgFile, userFile).split('\n');
  const errors = lines.filter((l) => LEVEL.test(l));
  const first = errors[0];
  if (!first) return undefined;
  const at = / in (\S+):(\d+)\s*$/.exec(first);
  const message = first
    .replace(/^.*?\[(emerg|alert|crit)\]\s*(\d+#\d+:\s*)?/, '')
    .replace(/ in \S+:\d+\s*$/, '')
    .trim();
  const file = at?.[1] ?? userFile;
  const line = at ? Number(at[2]) : lineNaming(userFile, /"([^"]+)"/.exec(message)?.[1]);
  const bind = /bind\(\) to (\S+) failed|Address already in use/.exec(first);
  return new ConfigError(
    `${what}: ${message}${errors.length > 1 ? ` (and ${errors.length - 1} more error line(s))` : ''}`,
    file,
    line,
    bind
      ? 'another process holds that address; stop it or let the harness choose another loopback block'
      : 'fix that line; `nginx -t -c <file>` checks a config by hand',
  );
}

/** nginx names no line for some errors (a certificate it cannot load): the first line of the user's file naming
 *  the quoted value, if there is one. */
function lineNaming(userFile: string, value: string | undefined): number | undefined {
  if (!value) return undefined;
  try {
    const i = readFileSync(userFile, 'utf8')
      .split('\n')
      .findIndex((l) => !/^\s*#/.test(l) && l.includes(value));
    return i >= 0 ? i + 1 : undefined;
  } catch {
    return undefined; // the file is gone: the message alone
  }
}

/** A failed start (process output or container log in `err.message`) as an error naming the user's file and line. */
export function explainNginxStartFailure(err: Error, cfgFile: string, userFile: string): Error {
  return explainNginxMessages(err.message, cfgFile, userFile, 'NGINX did not start') ?? err;
}
