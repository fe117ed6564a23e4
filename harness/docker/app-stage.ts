/**
 * A built program (stand-in, TS-proxy) laid out for a plain Node base image, the way its app image holds it
 * (docker/README.md "Build contexts"): `package.json` (type module), `dist/<app>/…` and only the runtime
 * `node_modules` closure (scripts/docker/runtime-files.mjs). The directory is copied to `/app` in the container.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';

/** Stages `entry` (e.g. dist/standin/node.js) into `into` and returns `into`. */
export function stageApp(entry: string, into: string): string {
  const root = projectRoot();
  if (!existsSync(path.join(root, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'docker', 'runtime-files.mjs'), '--root', root, '--entry', entry],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0)
    throw new Error(
      `listing the runtime files of ${entry} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  const files = r.stdout.split('\n').filter(Boolean);
  for (const rel of files) {
    const to = path.join(into, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(root, rel), to);
  }
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license?: string;
  };
  const app = entry.split('/')[1] ?? 'app';
  writeFileSync(
    path.join(into, 'package.json'),
    `${JSON.stringify({ name: `${pkg.name}-${app}`, version: pkg.version, private: true, type: 'module', license: pkg.license }, null, 2)}\n`,
  );
  return into;
}
