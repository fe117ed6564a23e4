/**
 * Error classes of the load engine: a socket error code or a protocol outcome mapped to one named class, so a
 * run reports "3,012 × EMFILE (the engine's open-files limit)" instead of a pile of messages.
 */

export const ERROR_CLASSES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EMFILE',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'tls',
  'timeout',
  'keepalive',
  'closed-before-connack',
  'closed',
  'connack-refused',
  'suback-refused',
  'protocol',
  'other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** What a class means for the person reading the result (the named limit behind it, where there is one). */
export const ERROR_MEANING: Record<ErrorClass, string> = {
  ECONNREFUSED: 'nothing accepts on the target (listener down, backlog full or the balancer refusing)',
  ECONNRESET: 'the peer reset the connection',
  EPIPE: 'written after the peer closed',
  ETIMEDOUT: 'the kernel gave up connecting',
  EMFILE: "the engine process's open-files limit (ulimit -n): one descriptor per connection",
  EADDRNOTAVAIL: 'no free source port for this source address (ephemeral port range exhausted)',
  EADDRINUSE: 'source address and port already in use',
  tls: 'TLS handshake failed',
  timeout: "a phase did not complete within the engine's phase timeout",
  keepalive: 'nothing heard from the peer for 1.5 × keepalive after a PINGREQ (a dead link, as MQTT.js detects it)',
  'closed-before-connack': 'the peer closed the connection before CONNACK',
  closed: 'the connection closed unexpectedly after CONNACK',
  'connack-refused': 'CONNACK with a non-zero return code (counted per code too)',
  'suback-refused': 'SUBACK granted 0x80 (failure) for a filter',
  protocol: 'a packet the engine could not parse or did not expect',
  other: 'any other error (first messages kept)',
};

/** Maps a thrown error to its class. */
export function classifyError(err: unknown): ErrorClass {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if ((ERROR_CLASSES as readonly string[]).includes(code)) return code as ErrorClass;
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT')) return 'tls';
    if (code === 'ENFILE') return 'EMFILE';
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/SSL|TLS|certificate/i.test(message)) return 'tls';
  return 'other';
}

/** Counts per class, CONNACK return codes, and the first few messages of class "other". */
export class ErrorTally {
  readonly counts: Partial<Record<ErrorClass, number>> = {};
  readonly connackCodes: Record<string, number> = {};
  readonly samples: string[] = [];

  add(cls: ErrorClass, detail?: string): void {
    this.counts[cls] = (this.counts[cls] ?? 0) + 1;
    if (detail && this.samples.length < 10 && !this.samples.includes(detail)) this.samples.push(detail);
  }

  connackRefused(returnCode: number): void {
    this.add('connack-refused');
    const k = String(returnCode);
    this.connackCodes[k] = (this.connackCodes[k] ?? 0) + 1;
  }

  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

export interface ErrorCounts {
  counts: Partial<Record<ErrorClass, number>>;
  connackCodes: Record<string, number>;
  samples: string[];
}

export function mergeErrors(parts: readonly ErrorCounts[]): ErrorCounts {
  const out: ErrorCounts = { counts: {}, connackCodes: {}, samples: [] };
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.counts)) out.counts[k as ErrorClass] = (out.counts[k as ErrorClass] ?? 0) + v;
    for (const [k, v] of Object.entries(p.connackCodes)) out.connackCodes[k] = (out.connackCodes[k] ?? 0) + v;
    for (const s of p.samples) if (out.samples.length < 10 && !out.samples.includes(s)) out.samples.push(s);
  }
  return out;
}
