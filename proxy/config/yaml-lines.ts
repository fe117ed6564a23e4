/**
 * Maps a key path (`["backends", 0, "servers", 1]`) to the 1-based line of its node in the YAML source.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

type PathSegment = string | number;

export interface LineResolver {
  /** Line of the value at `path` (of its key for map entries); the deepest existing ancestor when missing. */
  lineOf(path: readonly PathSegment[], preferKey?: boolean): number;
}

export function lineResolver(doc: Document, counter: LineCounter): LineResolver {
  const lineAtOffset = (offset: number | undefined): number =>
    offset === undefined ? 1 : counter.linePos(offset).line;

  function lineOf(path: readonly PathSegment[], preferKey = true): number {
    let node: unknown = doc.contents;
    let line = lineAtOffset((node as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        const keyNode = pair.key as Node;
        const valueNode = pair.value as Node | null;
        line = lineAtOffset(preferKey ? keyNode.range?.[0] : (valueNode?.range?.[0] ?? keyNode.range?.[0]));
        node = valueNode;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) return line;
        line = lineAtOffset(item.range?.[0]);
        node = item;
      } else {
        return line;
      }
    }
    return line;
  }

  return { lineOf };
}
