/** Resident memory of a process and its descendants, read from /proc (Linux): a local node's footprint for the report. */
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory (bytes) of `pid` and every descendant (a server script, erl, beam.smp…); 0 when it is gone. */
export function rssBytesOfTree(pid: number): number {
  const kids = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // fields after "(comm) ": state ppid … rss (the 24th field overall, in pages)
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(entry)]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
    } catch {
      /* the process exited while we read */
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return total;
}
