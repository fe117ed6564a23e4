/**
 * The local `nginx` binary: its build (`nginx -V`, cached: which stream module to load), its version, and `nginx -t`
 * on the mapped config with nginx's `[emerg] … in <file>:<line>` messages turned into errors naming the user's file.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MissingBinaryError } from '../../errors.js';
import { parseNginxV, type NginxBuildInfo } from './build-info.js';
import { nginxArgs } from './map-config.js';
import { explainNginxMessages } from './start-failure.js';

const run = promisify(execFile);

/** Debian packages that provide `nginx` with the stream module. */
export const NGINX_APT = 'nginx libnginx-mod-stream';

let build: Promise<NginxBuildInfo> | undefined;

/** What `nginx -V` says (asked once per process); MissingBinaryError when nginx is not installed. */
export function nginxBuild(bin = 'nginx'): Promise<NginxBuildInfo> {
  build ??= run(bin, ['-V']).then(
    ({ stdout, stderr }) => parseNginxV(`${stderr}${stdout}`),
    (err: NodeJS.ErrnoException) => {
      build = undefined;
      throw err.code === 'ENOENT' ? new MissingBinaryError(bin, NGINX_APT) : err;
    },
  );
  return build;
}

export async function nginxVersion(): Promise<string> {
  return (await nginxBuild()).version;
}

/** `nginx -t` on the mapped config (run directory `runDir`); its messages name the user's file and line. */
export async function validateNginxConfig(cfgFile: string, userFile: string, runDir: string): Promise<void> {
  try {
    await run('nginx', ['-t', '-q', ...nginxArgs(cfgFile, runDir)]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new MissingBinaryError('nginx', NGINX_APT);
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw explainNginxMessages(text, cfgFile, userFile, 'nginx -t rejected the config') ?? err;
  }
}
