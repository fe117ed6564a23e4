/**
 * The iptables argument lists of the network faults, built without running anything (unit-tested exactly): a
 * run-owned chain whose name derives from the run id, jumped to from INPUT and OUTPUT with a comment naming the run
 * and its owner pid (so a sweep can tell a crashed run's chain), and per fault the rules matching either the node's
 * address (omitted inside a container's own namespace) and each of its MQTT listener ports, or — a link peer given —
 * every TCP port to and from that one peer (the balancer), so only that link is cut, its health checks included.
 */
import { createHash } from 'node:crypto';
import type { NetFault } from './fault.js';

/**
 * What a fault's rules match: the node's address (none inside its own namespace) and its MQTT listener ports; or,
 * with `peer` (inside the node's own namespace), every TCP port to and from the peer's address — that link only.
 */
export interface RuleTarget {
  node: string;
  address?: string;
  ports: readonly number[];
  /** The far end of the one link the fault cuts (the balancer's address on the run network) and what it is. */
  peer?: { address: string; label: string };
}

/** `MQTTLB-` + 8 hex of the run id's SHA-1 (iptables chain names are at most 28 characters). */
export function chainName(runId: string): string {
  return `MQTTLB-${createHash('sha1').update(runId).digest('hex').slice(0, 8)}`;
}

export const CHAIN_PREFIX = 'MQTTLB-';

/** The comment on the jumps: `mqtt-lb run <runId> pid <owner pid>`. */
export function jumpComment(runId: string, ownerPid: number): string {
  return `mqtt-lb run ${runId} pid ${ownerPid}`;
}

/** Parses a jump comment back (sweep); undefined for any other text. */
export function parseJumpComment(text: string): { runId: string; pid: number } | undefined {
  const m = /mqtt-lb run (\S+) pid (\d+)/.exec(text);
  return m ? { runId: m[1]!, pid: Number(m[2]) } : undefined;
}

export const HOOKS = ['INPUT', 'OUTPUT'] as const;

/** The rule (without -I/-A/-D/-C and its chain) that sends the hook's packets through the run chain. */
export function jumpSpec(chain: string, comment: string): string[] {
  return ['-m', 'comment', '--comment', comment, '-j', chain];
}

/** The probability iptables' statistic match takes for `pct` percent. */
export function probability(pct: number): string {
  return String(Number((pct / 100).toFixed(4)));
}

type RuleFault = Extract<NetFault, { verb: 'partition' | 'blackhole' | 'reset' | 'loss' }>;

export function isRuleFault(f: NetFault): f is RuleFault {
  return f.verb === 'partition' || f.verb === 'blackhole' || f.verb === 'reset' || f.verb === 'loss';
}

function action(f: RuleFault): string[] {
  switch (f.verb) {
    case 'reset':
      return ['-j', 'REJECT', '--reject-with', 'tcp-reset'];
    case 'loss':
      return ['-m', 'statistic', '--mode', 'random', '--probability', probability(f.pct), '-j', 'DROP'];
    default:
      return ['-j', 'DROP'];
  }
}

/** Rule specs (to follow `-A <chain>` / `-D <chain>`), towards the node first, then from it where both apply. */
export function ruleSpecs(t: RuleTarget, f: RuleFault): string[][] {
  const comment = ['-m', 'comment', '--comment', `mqtt-lb ${t.node} ${f.verb}`];
  if (t.peer) {
    // Inside the node's namespace: packets from the peer arrive (INPUT), packets to it leave (OUTPUT); every port.
    const towards = ['-s', t.peer.address, '-p', 'tcp', ...comment, ...action(f)];
    const from = ['-d', t.peer.address, '-p', 'tcp', ...comment, ...action(f)];
    return f.verb === 'blackhole' || f.verb === 'reset' ? [towards] : [towards, from];
  }
  const ports = [...new Set(t.ports)];
  const towards = ports.map((p) => [
    ...(t.address ? ['-d', t.address] : []),
    '-p',
    'tcp',
    '--dport',
    String(p),
    ...comment,
    ...action(f),
  ]);
  if (f.verb === 'blackhole' || f.verb === 'reset') return towards;
  const from = ports.map((p) => [
    ...(t.address ? ['-s', t.address] : []),
    '-p',
    'tcp',
    '--sport',
    String(p),
    ...comment,
    ...action(f),
  ]);
  return [...towards, ...from];
}

/** Full iptables argv for one operation on the run chain. */
export function chainOp(op: '-A' | '-D', chain: string, spec: readonly string[]): string[] {
  return ['iptables', '-w', op, chain, ...spec];
}

/** The argv lists that remove a run chain entirely: both jumps, then flush and delete. */
export function teardownOps(chain: string, comment: string): string[][] {
  return [
    ...HOOKS.map((h) => ['iptables', '-w', '-D', h, ...jumpSpec(chain, comment)]),
    ['iptables', '-w', '-F', chain],
    ['iptables', '-w', '-X', chain],
  ];
}

/** One argument as iptables-restore reads it: double-quoted when it has blanks or quotes. */
function restoreWord(a: string): string {
  return /[\s"']/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a;
}

/**
 * The `iptables-restore --noflush` input that adds (-A) or deletes (-D) every spec on the run chain in one
 * transaction: one call (one wait for the xtables lock) instead of one per rule, all or nothing.
 */
export function restoreInput(op: '-A' | '-D', chain: string, specs: readonly (readonly string[])[]): string {
  return ['*filter', ...specs.map((s) => [op, chain, ...s].map(restoreWord).join(' ')), 'COMMIT', ''].join('\n');
}

/** The argv that reads restoreInput on stdin (waiting for the xtables lock like `iptables -w`). */
export const RESTORE_ARGV = ['iptables-restore', '-w', '--noflush'] as const;
