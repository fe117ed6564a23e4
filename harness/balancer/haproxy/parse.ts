/**
 * A small, line-preserving reader of haproxy.cfg: sections and their keyword lines with 1-based
 * line numbers, so every finding and every refusal can name the user's line.
 */

export type SectionKind =
  | 'global'
  | 'defaults'
  | 'frontend'
  | 'backend'
  | 'listen'
  | 'resolvers'
  | 'peers'
  | 'userlist'
  | 'program'
  | 'http-errors'
  | 'ring'
  | 'mailers'
  | 'cache'
  | (string & {});

export const SECTION_KEYWORDS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'peers',
  'userlist',
  'program',
  'http-errors',
  'ring',
  'mailers',
  'cache',
  'log-forward',
  'crt-store',
]);

export interface CfgLine {
  /** 1-based line number in the file. */
  line: number;
  /** The raw text of the line. */
  text: string;
  /** Words of the line without the comment. */
  tokens: string[];
}

export interface CfgSection {
  kind: SectionKind;
  name: string;
  line: number;
  lines: CfgLine[];
}

export interface ParsedCfg {
  file: string;
  rawLines: string[];
  sections: CfgSection[];
}

/** Splits one line into words (quotes and backslash escapes as HAProxy reads them; `#` starts a comment). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (c === '#') break;
    else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

export function parseHaproxyCfg(text: string, file: string): ParsedCfg {
  const rawLines = text.split(/\r?\n/);
  const sections: CfgSection[] = [];
  let current: CfgSection | undefined;
  rawLines.forEach((raw, idx) => {
    const tokens = tokenize(raw);
    if (!tokens.length) return;
    const line = idx + 1;
    if (SECTION_KEYWORDS.has(tokens[0]!)) {
      current = { kind: tokens[0]!, name: tokens[1] ?? '', line, lines: [] };
      sections.push(current);
      return;
    }
    if (!current) {
      current = { kind: '(before any section)', name: '', line, lines: [] };
      sections.push(current);
    }
    current.lines.push({ line, text: raw, tokens });
  });
  return { file, rawLines, sections };
}

export function sectionsOf(cfg: ParsedCfg, ...kinds: SectionKind[]): CfgSection[] {
  return cfg.sections.filter((s) => kinds.includes(s.kind));
}

export function keywordLines(section: CfgSection, keyword: string): CfgLine[] {
  return section.lines.filter((l) => l.tokens[0] === keyword);
}

/** Splits "host:port" (IPv6 in brackets or as `ipv6@`) into host and port; port undefined when absent. */
export function splitHostPort(addr: string): {
  prefix: string;
  host: string;
  port: number | undefined;
  portText: string | undefined;
} {
  const m = /^((?:ipv4|ipv6|tcp|tcp4|tcp6)@)?(.*)$/.exec(addr)!;
  const prefix = m[1] ?? '';
  const rest = m[2]!;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (v6) return { prefix, host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined, portText: v6[2] };
  const idx = rest.lastIndexOf(':');
  if (idx < 0 || rest.indexOf(':') !== idx) return { prefix, host: rest, port: undefined, portText: undefined };
  const portText = rest.slice(idx + 1);
  return { prefix, host: rest.slice(0, idx), port: portText === '' ? undefined : Number(portText), portText };
}
