/**
 * Line-preserving edits of nginx.conf files: each rewrite replaces a directive in place (padding with the newlines it
 * spanned), and rendering inlines an include onto its own line when the files it pulls in were edited, so every line
 * of the user's files keeps its number in the config as run.
 */
import { directiveText, includesOf, type NginxDirective, type NginxFile, type ParsedNginx } from './parse.js';
import { flattenTokens, tokenizeNginx } from './tokenize.js';
import { hasGlob, resolveConfPath } from './files.js';

/** One change to the user's config, shown in the report on the user's file:line. */
export interface NginxRewrite {
  file: string;
  line: number;
  /** The directive as written (one line). */
  from: string;
  /** What runs instead (one line; empty when removed). */
  to: string;
  why: string;
  shape?: 'upstream' | 'listen' | 'process' | 'log' | 'include' | 'module' | 'certificate' | 'machine' | 'address';
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

export class NginxEdits {
  readonly rewrites: NginxRewrite[] = [];
  private readonly splices = new Map<NginxFile, Splice[]>();
  private readonly fileOf = new Map<NginxDirective, NginxFile>();

  constructor(private readonly parsed: ParsedNginx) {
    const index = (f: NginxFile): void => {
      const visit = (list: readonly NginxDirective[]): void => {
        for (const d of list) {
          this.fileOf.set(d, f);
          if (d.block) visit(d.block);
          for (const inc of d.included ?? []) index(inc);
        }
      };
      visit(f.directives);
    };
    index(parsed.root);
  }

  private add(f: NginxFile, s: Splice): void {
    this.splices.set(f, [...(this.splices.get(f) ?? []), s]);
  }

  private fileFor(d: NginxDirective): NginxFile {
    const f = this.fileOf.get(d);
    if (!f) throw new Error(`internal: directive ${d.name} at ${d.file}:${d.line} has no file`);
    return f;
  }

  /** Replaces a simple directive (or a block's head up to `{`) with `to`, keeping its line count. */
  replace(d: NginxDirective, to: string, why: string, shape?: NginxRewrite['shape']): void {
    const f = this.fileFor(d);
    const original = f.text.slice(d.start, d.end);
    const pad = '\n'.repeat((original.match(/\n/g) ?? []).length);
    this.add(f, { start: d.start, end: d.end, text: to + pad });
    this.rewrites.push({ file: d.file, line: d.line, from: directiveText(d), to, why, ...(shape ? { shape } : {}) });
  }

  /** Removes a directive; a comment keeps it visible when nothing else follows on its line. */
  neutralise(d: NginxDirective, why: string, shape?: NginxRewrite['shape']): void {
    const f = this.fileFor(d);
    const eol = f.text.indexOf('\n', d.end);
    const rest = f.text.slice(d.end, eol < 0 ? undefined : eol).trim();
    const text = !rest || rest.startsWith('#') ? `# ${directiveText(d)}  # (mqtt-lb: ${why})` : '';
    const pad = '\n'.repeat((f.text.slice(d.start, d.end).match(/\n/g) ?? []).length);
    this.add(f, { start: d.start, end: d.end, text: text + pad });
    this.rewrites.push({
      file: d.file,
      line: d.line,
      from: directiveText(d),
      to: '',
      why,
      ...(shape ? { shape } : {}),
    });
  }

  /** Inserts text right after a block's `{` (same line). */
  insertAfterOpen(block: NginxDirective, text: string, why: string, shape?: NginxRewrite['shape']): void {
    this.add(this.fileFor(block), { start: block.end, end: block.end, text: ` ${text}` });
    this.rewrites.push({ file: block.file, line: block.line, from: directiveText(block), to: text, why, shape });
  }

  /** Puts text at the very start of the main file (line 1, main context). */
  prefixMain(text: string, why: string, shape?: NginxRewrite['shape']): void {
    this.add(this.parsed.root, { start: 0, end: 0, text: `${text} ` });
    this.rewrites.push({ file: this.parsed.file, line: 1, from: '', to: text, why, shape });
  }

  /** The file must be rewritten: it has edits, or an include that is relative or pulls in an edited file. */
  private edited(f: NginxFile): boolean {
    return (
      (this.splices.get(f)?.length ?? 0) > 0 ||
      includesOf(f).some(
        (d) =>
          resolveConfPath(d.args[0] ?? '', this.parsed.confDir) !== d.args[0] ||
          d.included?.some((i) => this.edited(i)),
      )
    );
  }

  /** The file's text with its edits applied; includes of edited files are inlined on their line, others made absolute. */
  render(f: NginxFile = this.parsed.root): string {
    const own = [...(this.splices.get(f) ?? [])];
    for (const inc of includesOf(f)) {
      const files = inc.included ?? [];
      const pattern = inc.args[0]!;
      if (files.some((i) => this.edited(i))) {
        const inline = files.map((i) => flattenTokens(tokenizeNginx(this.render(i), i.file))).filter(Boolean);
        const pad = '\n'.repeat((f.text.slice(inc.start, inc.end).match(/\n/g) ?? []).length);
        own.push({ start: inc.start, end: inc.end, text: inline.join(' ') + pad });
        this.rewrites.push({
          file: inc.file,
          line: inc.line,
          from: directiveText(inc),
          to: `(inlined: ${files.map((i) => i.file).join(', ')})`,
          why: 'included files carry mapped lines: inlined on this line so every line keeps its number',
          shape: 'include',
        });
      } else if (resolveConfPath(pattern, this.parsed.confDir) !== pattern) {
        const abs = resolveConfPath(pattern, this.parsed.confDir);
        const q = hasGlob(abs) || /\s/.test(abs) ? `"${abs}"` : abs;
        own.push({ start: inc.start, end: inc.end, text: `include ${q};` });
        this.rewrites.push({
          file: inc.file,
          line: inc.line,
          from: directiveText(inc),
          to: `include ${q};`,
          why: `relative include resolved against ${this.parsed.confDir} (the config runs from the run directory)`,
          shape: 'include',
        });
      }
    }
    own.sort((a, b) => b.start - a.start || b.end - a.end);
    let text = f.text;
    for (const s of own) text = text.slice(0, s.start) + s.text + text.slice(s.end);
    return text;
  }
}
