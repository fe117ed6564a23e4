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
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new ConfigError(
      `profile: ${describeIssue(issue)}`,
      abs,
      lineOf(doc, counter, keyPath),
      'see README "Profile format" for the allowed keys and values',
    );
  }
  const name = parsed.data.name ?? path.basename(abs).replace(/\.ya?ml$/, '');
  const suites = resolveSuiteEntries(parsed.data.suites, path.dirname(abs), 'the profile file');
  if (suites.problem)
    throw new ConfigError(
      `suites: ${suites.problem.message}`,
      abs,
      lineOf(doc, counter, ['suites', suites.problem.index]),
      suites.problem.fix,
    );
  parsed.data.suites = suites.entries;
  if (!parsed.data.balancer.config) return { ...parsed.data, file: abs, balancerConfigFile: '', name };
  const balancerConfigFile = path.resolve(path.dirname(abs), parsed.data.balancer.config!);
  if (!existsSync(balancerConfigFile)) {
    throw new ConfigError(
      `balancer.config: file not found: ${balancerConfigFile}`,
      abs,
      lineOf(doc, counter, ['balancer', 'config']),
      'the path is relative to the profile file',
    );
  }
  return { ...parsed.data, file: abs, balancerConfigFile, name };
}
