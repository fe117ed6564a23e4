/** Facts about a local RabbitMQ install and its running nodes: the package version and a node's resident memory. */
import { readdirSync, readFileSync } from 'node:fs';

/** The installed RabbitMQ version, from Debian's /usr/lib/rabbitmq/lib/rabbitmq_server-<version>. */
export function rabbitVersion(): string {
  try {
    const dir = readdirSync('/usr/lib/rabbitmq/lib').find((d) => d.startsWith('rabbitmq_server-'));
    return dir ? dir.slice('rabbitmq_server-'.length) : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Resident memory (MB) of `pid` and its descendants (the server script, erl, beam.smp), from /proc. */
export function rssMb(pid: number): number {
  const kids = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
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
  return Math.round(total / 1024 / 1024);
}
