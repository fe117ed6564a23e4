/** Text made safe for one cell of a GitHub-flavoured Markdown table. */
import { stripAnsi } from './text.js';

/** Text safe inside a Markdown table cell: one line, pipes escaped, no HTML. */
export function cellText(text: string): string {
  return stripAnsi(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();
}
