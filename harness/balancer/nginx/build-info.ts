/**
 * What `nginx -V` says about a build, for the mapping options: its version, prefix and modules path, and whether the
 * stream module is built in, a loadable module (Debian: `--with-stream=dynamic`, loaded by
 * /etc/nginx/modules-enabled/50-mod-stream.conf), or absent.
 */
import path from 'node:path';

export interface NginxBuildInfo {
  version: string;
  prefix: string;
  modulesPath: string;
  stream: 'static' | 'dynamic' | 'absent';
  /** Absolute path of ngx_stream_module.so to load (dynamic stream), else null (MapOptions.streamModule). */
  streamModule: string | null;
}

/** Reads the text `nginx -V` prints (on stderr). */
export function parseNginxV(text: string): NginxBuildInfo {
  const version = /nginx version: nginx\/(\S+)/.exec(text)?.[1] ?? 'unknown';
  const opt = (name: string): string | undefined => new RegExp(`--${name}=(\\S+)`).exec(text)?.[1];
  const prefix = opt('prefix') ?? '/usr/local/nginx';
  const modulesPath = opt('modules-path') ?? path.join(prefix, 'modules');
  const stream = /--with-stream=dynamic\b/.test(text)
    ? 'dynamic'
    : /--with-stream(\s|$)/.test(text)
      ? 'static'
      : 'absent';
  return {
    version,
    prefix,
    modulesPath,
    stream,
    streamModule: stream === 'dynamic' ? path.join(modulesPath, 'ngx_stream_module.so') : null,
  };
}
