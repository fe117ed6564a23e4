/**
 * Keeps a `peers` section's traffic on the machine, line for line: the local peer (named by `localpeer` in global,
 * else the machine's hostname, as HAProxy decides) listens on a run-owned loopback address, and every remote peer
 * (another HAProxy in production) is pointed at a run-owned loopback port where nothing listens. When no peer is
 * local, HAProxy 2.6 itself drops the section ("Removing incomplete section") and stick tables stay unreplicated.
 */
import { splitHostPort, type CfgLine, type CfgSection, type ParsedCfg } from './parse.js';

/** The peer name HAProxy treats as itself: global `localpeer` (when written before the peers sections), else hostname. */
export function localPeerName(parsed: ParsedCfg, hostname: string): string {
  const firstPeers = parsed.sections.find((s) => s.kind === 'peers')?.line ?? Infinity;
  const localpeer = parsed.sections
    .filter((s) => s.kind === 'global' && s.line < firstPeers)
    .flatMap((s) => s.lines)
    .filter((l) => l.tokens[0] === 'localpeer' && l.line < firstPeers)
    .at(-1)?.tokens[1];
  return localpeer ?? hostname;
}

export type PlacePeer = (originalPort: number) => Promise<{ host: string; port: number }>;

export interface PeerRewrite {
  text: string;
  why: string;
}

/**
 * The rewrite of one line of a peers section, or undefined when it names no address (e.g. `server <local>` without
 * one, `disabled`, `table …`). `peer <name> <addr>`, `server <name> <addr>` and `bind <addr>` are rewritten.
 */
export async function mapPeersLine(
  l: CfgLine,
  localPeer: string,
  place: PlacePeer,
  section?: CfgSection,
): Promise<PeerRewrite | undefined> {
  const [kw, ...args] = l.tokens;
  if (kw === 'bind' && args[0]) {
    const at = await place(splitHostPort(args[0]).port ?? 10000);
    return {
      text: ['bind', `${at.host}:${at.port}`, ...args.slice(1)].join(' '),
      why: `peers bind ${args[0]} moved to a run-owned loopback address`,
    };
  }
  if ((kw !== 'peer' && kw !== 'server') || !args[1]) return undefined;
  const [name = '', addr = '', ...rest] = args;
  const at = await place(splitHostPort(addr).port ?? 10000);
  const local = name === localPeer;
  const noLocal =
    section &&
    !section.lines.some((p) => (p.tokens[0] === 'peer' || p.tokens[0] === 'server') && p.tokens[1] === localPeer)
      ? ` (no peer here is named '${localPeer}': HAProxy drops the section, stick tables stay unreplicated)`
      : '';
  return {
    text: [kw, name, `${at.host}:${at.port}`, ...rest].join(' '),
    why: local
      ? `local peer '${name}' (${addr}) listens on a run-owned loopback address`
      : `remote peer '${name}' (${addr}) is another HAProxy in production: pointed at a run-owned loopback port where nothing listens${noLocal}`,
  };
}
