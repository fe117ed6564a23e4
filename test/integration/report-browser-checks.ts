/** Readability checks for the report in a real browser: hit-testing a config line's number and text, and contrast. */
import type { Page } from 'playwright-core';

/* Browser-side globals, typed just enough: the project compiles without the DOM lib. */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  className: string;
  textContent: string | null;
  parentElement: El | null;
  scrollWidth: number;
  clientWidth: number;
  contains(other: El): boolean;
  closest(selector: string): El | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  getBoundingClientRect(): Box;
  getClientRects(): Iterable<Box>;
  scrollIntoView(options: { block: string }): void;
}
/** `window` as the checks use it. */
export interface BrowserWindow {
  document: { getElementById(id: string): El | null; elementFromPoint(x: number, y: number): El | null };
  innerWidth: number;
  getComputedStyle(el: El): { color: string; backgroundColor: string; fill: string; opacity: string };
}

export interface Readability {
  /** WCAG contrast ratio of the line's text colour on the background behind it. */
  contrast: number;
  /** What is wrong, by check; empty when the line is readable. */
  problems: Record<string, string>;
}

function channels(css: string): [number, number, number] {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function luminance(css: string): number {
  const [r, g, b] = channels(css).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two computed CSS colours (1 … 21). */
export function contrastOf(fg: string, bg: string): number {
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
}

/**
 * Scrolls config line `line` to the middle of the window, then: the line number and every line box of its text lie
 * inside the panel and the window, the topmost element at the start, middle and end of each line box is the text
 * itself (nothing covers it), no annotation overlaps it, and the panel does not scroll sideways.
 */
export async function checkConfigReadable(page: Page, line: number): Promise<Readability> {
  const r = await page.evaluate((n) => {
    const window = globalThis as unknown as BrowserWindow;
    const { document } = window;
    const problems: Record<string, string> = {};
    const row = document.getElementById(`config-L${n}`);
    if (!row) return { problems: { row: `no #config-L${n}` }, color: '', background: '' };
    row.scrollIntoView({ block: 'center' });
    const panel = row.closest('.config')!;
    const pb = panel.getBoundingClientRect();
    const ln = row.querySelector('td.ln')!;
    const text = row.querySelector('.text')!;
    const inside = (b: Box) =>
      b.left >= pb.left - 0.5 && b.right <= pb.right + 0.5 && b.right <= window.innerWidth && b.left >= 0;
    const topmost = (x: number, y: number, want: El): string | undefined => {
      const hit = document.elementFromPoint(x, y);
      return hit && (hit === want || want.contains(hit))
        ? undefined
        : `at (${Math.round(x)}, ${Math.round(y)}) the topmost element is ${hit ? `${hit.tagName}.${hit.className}` : 'nothing'}`;
    };
    const lb = ln.getBoundingClientRect();
    if (!inside(lb)) problems['number box'] = `line number ${JSON.stringify(lb)} outside panel ${JSON.stringify(pb)}`;
    const lnHit = topmost(lb.left + lb.width / 2, lb.top + lb.height / 2, ln);
    if (lnHit) problems['number hit'] = lnHit;
    if ((ln.textContent ?? '').trim() !== String(n)) problems['number text'] = `shows '${ln.textContent}'`;
    const boxes = [...text.getClientRects()];
    if (boxes.length === 0) problems['text box'] = 'the text has no box';
    const annotations = [...row.querySelectorAll('.ann')].flatMap((a) => [...a.getClientRects()]);
    boxes.forEach((b, i) => {
      if (!inside(b)) problems[`text box ${i}`] = `${JSON.stringify(b)} outside panel ${JSON.stringify(pb)}`;
      const y = b.top + b.height / 2;
      for (const x of [b.left + 2, b.left + b.width / 2, b.right - 2]) {
        const hit = topmost(x, y, text);
        if (hit) problems[`text hit ${i}`] = hit;
      }
      for (const a of annotations) {
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const vertical = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (overlap > 0.5 && vertical > 0.5) problems[`annotation over text ${i}`] = JSON.stringify(a);
      }
    });
    if (panel.scrollWidth > panel.clientWidth + 1)
      problems.sideways = `panel scrolls sideways (${panel.scrollWidth} > ${panel.clientWidth})`;
    let bgEl: El | null = text;
    let background = 'rgb(255, 255, 255)';
    while (bgEl) {
      const c = window.getComputedStyle(bgEl).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(c)) {
        background = c;
        break;
      }
      bgEl = bgEl.parentElement;
    }
    return { problems, color: window.getComputedStyle(text).color, background };
  }, line);
  const contrast = r.color && r.background ? contrastOf(r.color, r.background) : 0;
  return { contrast, problems: r.problems };
}
