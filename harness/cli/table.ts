/** Plain-text tables for the terminal; headers starting with '#' are right-aligned numbers. */
export function table(headers: string[], rows: string[][]): string {
  const numeric = headers.map((h) => h.startsWith('#'));
  const head = headers.map((h, i) => (numeric[i] ? h.slice(1) : h));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
