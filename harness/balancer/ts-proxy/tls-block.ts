/**
 * A TS-proxy frontend's `tls:` block as the user wrote it: the line of its `tls:` key and a one-line rendering of
 * its settings, so TLS findings point at the settings their remedy names (min_version, ciphers, client_ca, verify)
 * instead of the bind line.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export function tsProxyTlsBlock(file: string, frontend: string): { line: number; source: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const frontends = doc.get('frontends', true);
  if (!isSeq(frontends)) return undefined;
  for (const item of frontends.items) {
    if (!isMap(item) || item.get('name') !== frontend) continue;
    const pair = item.items.find((p) => isScalar(p.key) && p.key.value === 'tls');
    const value = pair?.value as Node | null | undefined;
    if (!pair || !isMap(value)) return undefined;
    const settings = value.toJSON() as Record<string, unknown>;
    const render = (v: unknown): string => (typeof v === 'string' && !/[:{},]/.test(v) ? v : JSON.stringify(v));
    const offset = (pair.key as Node).range?.[0] ?? 0;
    return {
      line: counter.linePos(offset).line,
      source: `tls: { ${Object.entries(settings)
        .map(([k, v]) => `${k}: ${render(v)}`)
        .join(', ')} }`,
    };
  }
  return undefined;
}
