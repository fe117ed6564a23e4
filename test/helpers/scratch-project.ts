/**
 * A scratch user project with this package installed from its `npm pack` tarball, the way a user gets it. Its lockfile
 * is written from this repository's package-lock.json (the tarball's dependencies are ours, already in the npm cache
 * from `npm ci`), so `npm install <tgz>` resolves nothing online and only unpacks.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Step {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a command with a deadline (SIGKILL of its process group past it); never rejects. */
export function runStep(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Step> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', MQTT_LB_QUIET: '1' },
    });
    let output = '';
    const onData = (b: Buffer): void => {
      output = (output + b.toString()).slice(-20_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(function onDeadline() {
      output += `\n[killed after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.once('close', function onClose(code) {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - t0 });
    });
  });
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  [k: string]: unknown;
}

/**
 * Copies `example` to `dir` (without node_modules, reports) and writes its package-lock.json: our lock's entries that
 * are not dev-only, plus the tarball as `mqtt-lb-harness`. The example's own devDependencies must be ours too.
 */
export function scratchProject(example: string, dir: string, tgz: string, repoRoot: string): void {
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => !/\/(node_modules|reports|package-lock\.json)(\/|$)/.test(src.slice(example.length)),
  });
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const relTgz = `file:${path.relative(dir, tgz)}`;
  for (const deps of [pkg.dependencies, pkg.devDependencies])
    if (deps?.['mqtt-lb-harness']) deps['mqtt-lb-harness'] = relTgz;
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

  const ours = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: Record<string, LockEntry> = {
    '': {
      name: pkg.name,
      ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
      ...(pkg.devDependencies ? { devDependencies: pkg.devDependencies } : {}),
    },
    'node_modules/mqtt-lb-harness': {
      version: ours.version as string,
      resolved: relTgz,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
      license: ours.license,
      dependencies: ours.dependencies,
      bin: ours.bin,
      engines: ours.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key || entry.dev || !existsSync(path.join(repoRoot, key))) continue;
    packages[key] = entry;
  }
  const out = { name: pkg.name, lockfileVersion: 3, requires: true, packages };
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(out, null, 2)}\n`);
}
