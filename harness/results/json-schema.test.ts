/**
 * The docs of summary.json stay in step with the schema: docs/summary-schema.json is what the build generates, and
 * docs/summary-schema.md (the prose) names every field the schema has, in backticks.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';
import { summaryJsonSchema, summaryJsonSchemaText } from './json-schema.js';

const doc = (name: string): string => readFileSync(path.join(projectRoot(), 'docs', name), 'utf8');

/** Every property name anywhere in a JSON Schema (objects under `properties`, through $defs, items, unions). */
function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => propertyNames(n, into));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && typeof value === 'object' && value !== null)
        Object.keys(value).forEach((name) => into.add(name));
      propertyNames(value, into);
    }
  }
  return into;
}

/** The texts of the markdown's code spans. */
function codeSpans(markdown: string): string[] {
  return [...markdown.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

describe('summary.json docs', () => {
  test('docs/summary-schema.json is the JSON Schema generated from harness/results/schema.ts (npm run build)', () => {
    expect(doc('summary-schema.json')).toBe(summaryJsonSchemaText());
  });

  test('docs/summary-schema.md names every field of the schema', () => {
    const spans = codeSpans(doc('summary-schema.md'));
    const named = (field: string): boolean => {
      const word = new RegExp(`(^|[^A-Za-z0-9_])${field}([^A-Za-z0-9_]|$)`);
      return spans.some((s) => word.test(s));
    };
    const fields = [...propertyNames(summaryJsonSchema())];
    expect(fields.length).toBeGreaterThan(100);
    expect(fields.filter((f) => !named(f)).sort()).toEqual([]);
  });
});
