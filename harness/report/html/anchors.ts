/** Stable element ids and links between report pages (test rows, config lines). */

/** FNV-1a, 32 bit, as 7 base-36 chars: keeps ids short and unique even for long or non-ASCII test names. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36).padStart(7, '0');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);
}

export function testAnchor(suite: string, testFullName: string): string {
  return `test-${slug(suite)}-${slug(testFullName)}-${shortHash(`${suite}\u0000${testFullName}`)}`;
}

export function configLineAnchor(line: number): string {
  return `config-L${line}`;
}

export function suiteAnchor(suite: string): string {
  return `suite-${slug(suite)}-${shortHash(suite)}`;
}
