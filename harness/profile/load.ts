import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { profileSchema, type Profile } from './schema.js';
import { resolveSuiteEntries } from './suite-entries.js';

/** Finds the 1-based line of the YAML node at `keyPath`, or of its nearest existing ancestor. */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  keyPath: PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeLine(node, counter);
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      best = rangeLine(pair.key, counter) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = rangeLine(node, counter) ?? best;
    } else break;
  }
  return best;
}

function rangeLine(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as YamlNode | null)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} under ${key}`;
  return `${key}: ${issue.message}`;
}

/** Reads, parses and validates a profile; every error names the file, line and key. */
export function loadProfile(file: string, overrides: { runtime?: string } = {}): Profile {
  const abs = path.resolve(file);
  if (!existsSync(abs))
    throw new ConfigError(
      `profile not found`,
      abs,
      undefined,
      'pass an existing YAML file to --profile (see fixtures/profiles/)',
    );
  const text = readFileSync(abs, 'utf8');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(
      `invalid YAML: ${e.message.split('\n')[0]}`,
      abs,
      e.linePos?.[0]?.line,
      'fix the YAML syntax at that line',
    );
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (overrides.runtime) raw.runtime = overrides.runtime;
  return profileFromObject(raw, {
    file: abs,
    baseDir: path.dirname(abs),
    defaultName: path.basename(abs).replace(/\.ya?ml$/, ''),
    locate: (keyPath) => ({ file: abs, line: lineOf(doc, counter, keyPath) }),
  });
}

/** Where a profile's values came from: a YAML file, or the calls of the library API's builder (harness/api/). */
export interface ProfileSource {
  /** The profile's file (for the builder: the file that called `start()`). */
  file: string;
  /** Relative paths (balancer.config) resolve against this folder. */
  baseDir: string;
  /** The name when the values give none. */
  defaultName: string;
  /** The file and 1-based line that set the value at `keyPath` (or its nearest ancestor). */
  locate(keyPath: PropertyKey[]): { file: string; line?: number };
}

/**
 * Validates a profile given as plain values with the profile schema; every error names where the value was set
 * (file, line, key). The one path from values to a Profile, for YAML files and the library API alike.
 */
export function profileFromObject(raw: Record<string, unknown>, src: ProfileSource): Profile {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const at = src.locate(keyPath);
    throw new ConfigError(
      `profile: ${describeIssue(issue)}`,
      at.file,
      at.line,
      'see README "Profile format" for the allowed keys and values',
    );
  }
  const name = parsed.data.name ?? src.defaultName;
  const suites = resolveSuiteEntries(
    parsed.data.suites,
    src.baseDir,
    src.baseDir === path.dirname(src.file) ? 'the profile file' : src.baseDir,
  );
  if (suites.problem) {
    const at = src.locate(['suites', suites.problem.index]);
    throw new ConfigError(`suites: ${suites.problem.message}`, at.file, at.line, suites.problem.fix);
  }
  parsed.data.suites = suites.entries;
  if (!parsed.data.balancer.config) return { ...parsed.data, file: src.file, balancerConfigFile: '', name };
  const balancerConfigFile = path.resolve(src.baseDir, parsed.data.balancer.config);
  if (!existsSync(balancerConfigFile)) {
    const at = src.locate(['balancer', 'config']);
    throw new ConfigError(
      `balancer.config: file not found: ${balancerConfigFile}`,
      at.file,
      at.line,
      src.baseDir === path.dirname(src.file)
        ? 'the path is relative to the profile file'
        : `the path is relative to ${src.baseDir}`,
    );
  }
  return { ...parsed.data, file: src.file, balancerConfigFile, name };
}
