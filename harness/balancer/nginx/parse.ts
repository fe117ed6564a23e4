/**
 * A line-keeping reader of nginx.conf: directives and blocks with their file and 1-based line, `include`s resolved
 * (globs too) and read in place, so facts, mappings and refusals can name the user's file:line.
 */
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { hasGlob, realFs, resolveConfPath, type NginxFs } from './files.js';
import { tokenizeNginx, type NginxToken } from './tokenize.js';

export interface NginxDirective {
  name: string;
  args: string[];
  /** Argument tokens (quoting, offsets). */
  argTokens: NginxToken[];
  /** File the directive is written in. */
  file: string;
  /** 1-based line of its name. */
  line: number;
  /** Offset of its name in the file's text. */
  start: number;
  /** Offset just after its `;` (or after `{` for a block). */
  end: number;
  /** Children of a block directive (`http { … }`); undefined for a simple one. */
  block?: NginxDirective[];
  /** Line and offset after the block's closing `}`. */
  blockEnd?: { line: number; end: number };
  /** Enclosing block names, outermost first, e.g. ['stream', 'upstream']; includes are transparent. */
  context: string[];
  /** For `include`: the files it pulled in (in glob order). */
  included?: NginxFile[];
}

export interface NginxFile {
  file: string;
  text: string;
  directives: NginxDirective[];
  /** Where this file was included from; undefined for the main file. */
  includedFrom?: { file: string; line: number };
}

export interface ParsedNginx {
  file: string;
  /** Directory relative paths are resolved against (nginx's conf prefix: the main file's directory). */
  confDir: string;
  root: NginxFile;
}

export interface ParseOptions {
  fs?: NginxFs;
  /** Conf prefix for relative includes; default: the main file's directory. */
  confDir?: string;
}

const MAX_INCLUDE_DEPTH = 16;

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: NginxToken[],
    private readonly file: string,
    private readonly include: (d: NginxDirective, depth: number) => NginxFile[],
    private readonly depth: number,
  ) {}

  parseList(context: string[], closing: boolean): { list: NginxDirective[]; close?: NginxToken } {
    const list: NginxDirective[] = [];
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i++]!;
      if (t.punct === '}') {
        if (!closing) throw new ConfigError('unexpected "}"', this.file, t.line, 'remove it or add the opening block');
        return { list, close: t };
      }
      if (t.punct)
        throw new ConfigError(`unexpected "${t.text}"`, this.file, t.line, 'a directive name must come first');
      const args: NginxToken[] = [];
      let end: NginxToken | undefined;
      while (this.i < this.tokens.length) {
        const a = this.tokens[this.i++]!;
        if (a.punct) {
          end = a;
          break;
        }
        args.push(a);
      }
      if (!end || end.punct === '}')
        throw new ConfigError(
          `directive "${t.text}" is not terminated by ";"`,
          this.file,
          t.line,
          `end the directive with ";" (or open its block with "{")`,
        );
      const d: NginxDirective = {
        name: t.text,
        args: args.map((a) => a.text),
        argTokens: args,
        file: this.file,
        line: t.line,
        start: t.start,
        end: end.end,
        context,
      };
      if (end.punct === '{') {
        const inner = this.parseList([...context, t.text], true);
        if (!inner.close)
          throw new ConfigError(
            `block "${t.text}" opened here is never closed (unexpected end of file)`,
            this.file,
            t.line,
            'add the missing "}"',
          );
        d.block = inner.list;
        d.blockEnd = { line: inner.close.line, end: inner.close.end };
      } else if (d.name === 'include') {
        d.included = this.include(d, this.depth);
      }
      list.push(d);
    }
    return { list };
  }
}

function parseFile(
  text: string,
  file: string,
  context: string[],
  opts: Required<ParseOptions>,
  depth: number,
  includedFrom?: NginxFile['includedFrom'],
): NginxFile {
  const include = (d: NginxDirective, at: number): NginxFile[] => {
    if (d.args.length !== 1)
      throw new ConfigError('"include" takes exactly one path', d.file, d.line, 'write `include <path-or-glob>;`');
    if (at >= MAX_INCLUDE_DEPTH)
      throw new ConfigError(
        `includes nested deeper than ${MAX_INCLUDE_DEPTH}: a file includes itself?`,
        d.file,
        d.line,
      );
    const pattern = resolveConfPath(d.args[0]!, opts.confDir);
    let files: string[];
    if (hasGlob(pattern)) files = opts.fs.glob(pattern);
    else if (opts.fs.exists(pattern)) files = [pattern];
    else
      throw new ConfigError(
        `include "${d.args[0]}" not found (looked for ${pattern})`,
        d.file,
        d.line,
        `create ${pattern}, or remove the include; relative includes are read from ${opts.confDir}`,
      );
    return files.map((f) => parseFile(opts.fs.readFile(f), f, d.context, opts, at + 1, { file: d.file, line: d.line }));
  };
  const parser = new Parser(tokenizeNginx(text, file), file, include, depth);
  return { file, text, directives: parser.parseList(context, false).list, includedFrom };
}

/** Reads nginx.conf text and every file it includes. Errors are ConfigErrors naming file:line and a fix. */
export function parseNginxConf(text: string, file: string, opts: ParseOptions = {}): ParsedNginx {
  const full: Required<ParseOptions> = { fs: opts.fs ?? realFs, confDir: opts.confDir ?? path.dirname(file) };
  return { file, confDir: full.confDir, root: parseFile(text, file, [], full, 0) };
}

/** The directives of a list with includes replaced by the directives of the files they pulled in. */
export function expandIncludes(list: readonly NginxDirective[]): NginxDirective[] {
  return list.flatMap((d) =>
    d.name === 'include' && d.included ? expandIncludes(d.included.flatMap((f) => f.directives)) : [d],
  );
}

/** Every directive (includes expanded), depth first, with its enclosing block directives. */
export function walkNginx(
  list: readonly NginxDirective[],
  visit: (d: NginxDirective, parents: readonly NginxDirective[]) => void,
  parents: readonly NginxDirective[] = [],
): void {
  for (const d of expandIncludes(list)) {
    visit(d, parents);
    if (d.block) walkNginx(d.block, visit, [...parents, d]);
  }
}

/** Every `include` directive, in every file, depth first. */
export function includesOf(f: NginxFile): NginxDirective[] {
  const out: NginxDirective[] = [];
  const visit = (list: readonly NginxDirective[]): void => {
    for (const d of list) {
      if (d.name === 'include') out.push(d);
      if (d.block) visit(d.block);
    }
  };
  visit(f.directives);
  return out;
}

/** The children of a block (includes expanded) named `name`. */
export function childrenNamed(d: NginxDirective | undefined, name: string): NginxDirective[] {
  return d?.block ? expandIncludes(d.block).filter((c) => c.name === name) : [];
}

/** The last directive named `name` in `d`'s block, then in each enclosing block outward (nginx inheritance). */
export function inherited(
  name: string,
  d: NginxDirective,
  parents: readonly NginxDirective[],
): NginxDirective | undefined {
  for (const scope of [d, ...[...parents].reverse()]) {
    const hit = childrenNamed(scope, name).at(-1);
    if (hit) return hit;
  }
  return undefined;
}

/** nginx time (`30s`, `10m`, `1h`, `500ms`, `1m30s`; a plain number is seconds) in ms. */
export function parseNginxTime(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const parts = /^(?:\d+(?:ms|s|m|h|d|w|M|y)?)+$/.test(text) ? text.match(/\d+(?:ms|s|m|h|d|w|M|y)?/g) : null;
  if (!parts) return undefined;
  let ms = 0;
  for (const p of parts) {
    const m = /^(\d+)(\D*)$/.exec(p)!;
    const f = units[m[2] || 's'];
    if (f === undefined) return undefined;
    ms += Number(m[1]) * f;
  }
  return ms;
}

/** The directive as written on one line (for reports): name and raw arguments. */
export function directiveText(d: NginxDirective): string {
  return `${[d.name, ...d.argTokens.map((t) => t.raw.replace(/\s+/g, ' '))].join(' ')}${d.block ? ' {' : ';'}`;
}
