import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package root (where package.json is), whether running from dist/ or from sources under Jest. */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the mqtt-lb-harness package root');
    dir = up;
  }
  cached = dir;
  return dir;
}

/** A built deployable under dist/, with a clear message when the build is missing. */
export function builtFile(rel: string): string {
  const p = path.join(projectRoot(), 'dist', rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` first`);
  return p;
}
