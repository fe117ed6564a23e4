/**
 * The files an nginx `include` names: a path or a glob pattern (`*`, `?`, `[...]` in any component, as glob(3)),
 * relative paths resolved against the directory of the main config file (nginx's conf prefix).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** How the parser reads files; tests may substitute one. */
export interface NginxFs {
  readFile(file: string): string;
  exists(file: string): boolean;
  /** Absolute paths matching an absolute glob pattern, sorted. */
  glob(pattern: string): string[];
}

export function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

function globToRegExp(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = component.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${component.slice(i + 1, close).replace(/^!/, '^')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function expand(dir: string, parts: string[]): string[] {
  if (!parts.length) return [dir];
  const [head, ...rest] = parts as [string, ...string[]];
  if (!hasGlob(head)) {
    const next = path.join(dir, head);
    return existsSync(next) ? expand(next, rest) : [];
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = globToRegExp(head);
  return names
    .filter((n) => !n.startsWith('.') && re.test(n))
    .sort()
    .flatMap((n) => expand(path.join(dir, n), rest))
    .filter((p) => rest.length || !statSync(p).isDirectory());
}

export const realFs: NginxFs = {
  readFile: (file) => readFileSync(file, 'utf8'),
  exists: (file) => existsSync(file),
  glob: (pattern) => expand('/', pattern.split('/').filter(Boolean)),
};

/** Absolute form of an include path or pattern, as nginx resolves it (relative to the conf prefix). */
export function resolveConfPath(p: string, confDir: string): string {
  return path.isAbsolute(p) ? p : path.join(confDir, p);
}
