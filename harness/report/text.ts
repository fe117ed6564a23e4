/** Plain-text helpers shared by the HTML and JUnit renderers. */

// eslint-disable-next-line no-control-regex -- ESC starts every terminal colour code
const ANSI_PATTERN = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
/** Characters XML 1.0 does not allow at all (everything below 0x20 except tab, LF, CR; lone surrogates; U+FFFE/F). */
const XML_INVALID_PATTERN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes terminal colour codes (Jest failure messages carry them). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Escapes text for XML or HTML element content and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return stripAnsi(text)
    .replace(XML_INVALID_PATTERN, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** HTML uses the same escaping; `&apos;` is valid in HTML5. */
export const escapeHtml = escapeXml;

/** "1.23 s", "850 ms", "2 min 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Numbers for tables: integers as is, others with up to `digits` decimals; null/undefined as an em dash. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/** The test's name as shown under its suite heading: the full name without a leading describe named like the suite. */
export function testDisplayName(suite: string, test: { path: string[]; name: string }): string {
  return test.path[0] === suite ? [...test.path.slice(1), test.name].join(' › ') : testFullName(test);
}

/** The full name of a test: describe path and name joined the way Jest prints them. */
export function testFullName(test: { path: string[]; name: string }): string {
  return [...test.path, test.name].join(' › ');
}
