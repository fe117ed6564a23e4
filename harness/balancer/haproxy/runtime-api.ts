/**
 * HAProxy runtime API client (`stats socket`): one command per connection, answer read to EOF.
 * The balancer's own view of its servers comes from `show stat` (fields in haproxy-mqtt.md §5).
 */
import net from 'node:net';
import type { BalancerServerState, BalancerView, MappingEntry } from '../../types.js';

export function socketAddress(address: string): net.NetConnectOpts {
  const m = /^ipv4@(.+):(\d+)$/.exec(address);
  return m ? { host: m[1]!, port: Number(m[2]) } : { path: address };
}

export function runtimeCommand(address: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketAddress(address));
    const chunks: Buffer[] = [];
    const onConnect = (): void => void socket.end(`${command}\n`);
    const onData = (d: Buffer): void => void chunks.push(d);
    const onEnd = (): void => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      socket.destroy();
      reject(new Error(`HAProxy runtime API ${address}: ${err.message}`));
    };
    const onTimeout = (): void => onError(new Error(`no answer to '${command}' within ${timeoutMs} ms`));
    socket.setTimeout(timeoutMs, onTimeout);
    socket.once('connect', onConnect);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}

export type StatRow = Record<string, string>;

/** Parses `show stat` CSV (first line `# pxname,svname,...`). */
export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split('\n').filter((l) => l.trim());
  const header = lines.shift();
  if (!header?.startsWith('# ')) throw new Error(`unexpected 'show stat' answer: ${csv.slice(0, 200)}`);
  const cols = header.slice(2).split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row: StatRow = {};
    cols.forEach((c, i) => {
      if (c) row[c] = cells[i] ?? '';
    });
    return row;
  });
}

export class HaproxyView implements BalancerView {
  constructor(
    private readonly socket: string,
    private readonly mapping: readonly MappingEntry[],
  ) {}

  async servers(): Promise<BalancerServerState[]> {
    const rows = parseShowStat(await runtimeCommand(this.socket, 'show stat'));
    const now = Date.now();
    return rows
      .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
      .map((r) => {
        const lastchg = r.lastchg === '' || r.lastchg === undefined ? undefined : Number(r.lastchg);
        return {
          backend: r.pxname ?? '',
          name: r.svname ?? '',
          node: this.mapping.find((m) => m.backend === r.pxname && m.server === r.svname)?.node,
          status: (r.status ?? '').split(' ')[0] ?? '',
          checkStatus: (r.check_status ?? '').replace(/^\* /, ''),
          ...(r.check_code ? { checkCode: r.check_code } : {}),
          ...(r.last_chk || r.check_desc ? { checkDetail: r.last_chk || r.check_desc } : {}),
          lastChangeMs: lastchg === undefined || Number.isNaN(lastchg) ? undefined : now - lastchg * 1000,
          current: Number(r.scur ?? 0),
          total: Number(r.stot ?? 0),
        };
      });
  }
}
