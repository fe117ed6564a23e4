/**
 * Splits nginx.conf text into the tokens nginx's own reader sees (words, quoted strings, `;`, `{`, `}`), each with its
 * 1-based line and its offsets in the text, so every directive can be named by line and rewritten in place.
 */
import { ConfigError } from '../../errors.js';

export interface NginxToken {
  /** The word as nginx reads it (quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` unescaped). */
  text: string;
  /** The token exactly as written (with its quotes). */
  raw: string;
  quoted: boolean;
  /** 1-based line of its first character. */
  line: number;
  start: number;
  end: number;
  /** `;`, `{` or `}` (a separator, not a word). */
  punct?: ';' | '{' | '}';
}

function unescape(body: string): string {
  return body.replace(/\\(["'\\tnr])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);
}

/** Tokens of `text`; `#` starts a comment only where a token could start, as in nginx. */
export function tokenizeNginx(text: string, file: string): NginxToken[] {
  const out: NginxToken[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      out.push({ text: c, raw: c, quoted: false, line, start: i, end: i + 1, punct: c });
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      const startLine = line;
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < n) i++;
        if (text[i] === '\n') line++;
        i++;
      }
      if (i >= n)
        throw new ConfigError(
          `unterminated ${c === '"' ? 'double' : 'single'}-quoted string`,
          file,
          startLine,
          `close the string with ${c}`,
        );
      i++;
      const raw = text.slice(start, i);
      out.push({ text: unescape(raw.slice(1, -1)), raw, quoted: true, line: startLine, start, end: i });
    } else {
      const start = i;
      let braceVar = false;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < n && text[i + 1] !== '\n') {
          i += 2;
          continue;
        }
        if (ch === '{' && text[i - 1] === '$') braceVar = true;
        else if (ch === '}' && braceVar) braceVar = false;
        else if (/[\s;{}]/.test(ch)) break;
        i++;
      }
      const raw = text.slice(start, i);
      out.push({ text: unescape(raw), raw, quoted: false, line, start, end: i });
    }
  }
  return out;
}

/** One line of nginx.conf syntax from tokens (comments dropped, newlines in quoted strings written as `\n`). */
export function flattenTokens(tokens: readonly NginxToken[]): string {
  let out = '';
  for (const t of tokens) {
    const raw = t.quoted ? t.raw.replace(/\r?\n/g, '\\n') : t.raw;
    out += t.punct === ';' || !out ? raw : ` ${raw}`;
  }
  return out;
}
