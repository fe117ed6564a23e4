#!/usr/bin/env node
// List the files a built Node entry point needs at run time, repo-relative, one per line (sorted):
//   - the entry's own directory (e.g. dist/standin/**) minus test code (directories test/, tests/, testing/,
//     __tests__/, helpers under them, and *.test.js / *.spec.js files) unless the program imports it, plus any file
//     outside the directory reached by a relative import (transitively);
//   - the production closure of the bare-specifier packages those files import: each package's files (minus its
//     nested node_modules, docs, type declarations and source maps) and, recursively, its dependencies,
//     optionalDependencies and installed peerDependencies, resolved like Node does (nested node_modules first).
// Usage: node scripts/docker/runtime-files.mjs --root <repo> --entry dist/standin/node.js [--extra-dir dist/x]
// Prints a summary on stderr. Plain JS on purpose: it runs before (and without) any TypeScript build.
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const root = path.resolve(opt('root', process.cwd()));
const entry = opt('entry');
if (!entry) {
  console.error('usage: runtime-files.mjs --root <repo> --entry <dist/x/main.js>');
  process.exit(2);
}
const entryAbs = path.resolve(root, entry);
if (!fs.existsSync(entryAbs)) {
  console.error(`runtime-files: entry ${entryAbs} does not exist`);
  process.exit(3);
}
const entryDir = path.dirname(entryAbs);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const files = new Set();
const rel = (abs) => path.relative(root, abs).split(path.sep).join('/');

function walk(dir, skip) {
  const out = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) {
      if (!skip(d.name, true)) out.push(...walk(p, skip));
    } else if ((d.isFile() || d.isSymbolicLink()) && !skip(d.name, false)) {
      out.push(p);
    }
  }
  return out;
}

// --- 1. the program's own files and its imports
const IMPORT_RE =
  /\bfrom\s*['"]([^'"\n]+)['"]|\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)|\bimport\s+['"]([^'"\n]+)['"]|\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;
const bare = new Set();
const seenSrc = new Set();
const TEST_DIR = /^(test|tests|testing|__tests__|__mocks__)$/;
const TEST_FILE = /\.(test|spec)\.[cm]?js(\.map)?$/;
const queue = walk(entryDir, (n, isDir) => (isDir ? TEST_DIR.test(n) : TEST_FILE.test(n)));
queue.push(entryAbs);
for (const extra of args.flatMap((a, i) => (a === '--extra-dir' ? [args[i + 1]] : []))) {
  queue.push(...walk(path.resolve(root, extra), () => false));
}
while (queue.length) {
  const f = queue.pop();
  if (seenSrc.has(f)) continue;
  seenSrc.add(f);
  files.add(rel(f));
  if (!/\.(m|c)?js$/.test(f)) continue;
  const src = fs.readFileSync(f, 'utf8');
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (builtins.has(spec)) continue;
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const target = path.resolve(path.dirname(f), spec);
      const cands = [target, `${target}.js`, path.join(target, 'index.js')];
      const hit = cands.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
      if (hit) queue.push(hit);
      else console.error(`runtime-files: warning: ${rel(f)} imports ${spec}, not found`);
      continue;
    }
    const parts = spec.split('/');
    bare.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
}

// --- 2. package closure
function resolvePkg(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const cand = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(cand, 'package.json'))) return fs.realpathSync(cand);
    if (dir === root || dir === path.dirname(dir)) return null;
    dir = path.dirname(dir);
  }
}
const SKIP_FILE = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|\.tsbuildinfo)$/i;
const pkgs = new Map(); // dir -> name
const missing = [];
const stack = [...bare].map((n) => ({ name: n, from: entryDir, optional: false }));
while (stack.length) {
  const { name, from, optional } = stack.pop();
  const dir = resolvePkg(name, from);
  if (!dir) {
    if (!optional) missing.push(`${name} (from ${rel(from) || '.'})`);
    continue;
  }
  if (pkgs.has(dir)) continue;
  if (!dir.startsWith(root + path.sep)) {
    console.error(`runtime-files: ${name} resolves outside the repo (${dir}); skipped`);
    continue;
  }
  pkgs.set(dir, name);
  const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const d of Object.keys(pj.dependencies ?? {})) stack.push({ name: d, from: dir, optional: false });
  for (const d of Object.keys(pj.optionalDependencies ?? {})) stack.push({ name: d, from: dir, optional: true });
  for (const d of Object.keys(pj.peerDependencies ?? {})) stack.push({ name: d, from: dir, optional: true });
  for (const f of walk(dir, (n, isDir) => (isDir ? n === 'node_modules' || n === '.bin' : SKIP_FILE.test(n)))) {
    files.add(rel(f));
  }
}
if (missing.length) {
  console.error(`runtime-files: unresolved packages: ${missing.join(', ')}`);
  process.exit(4);
}

const list = [...files].sort();
let bytes = 0;
for (const f of list) bytes += fs.lstatSync(path.join(root, f)).size;
console.error(
  `runtime-files: ${list.length} files, ${(bytes / 1048576).toFixed(1)} MiB, ${pkgs.size} packages ` +
    `(direct: ${[...bare].sort().join(' ') || 'none'})`,
);
process.stdout.write(list.join('\n') + (list.length ? '\n' : ''));
