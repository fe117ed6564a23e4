/**
 * The lines of a user's haproxy.cfg that point at the production host rather than at upstreams: process management,
 * the stats socket, remote log targets, name servers, mailers and source addresses — neutralised on their line, or
 * refused with the line when the run cannot keep its traffic on this machine.
 */
import { ConfigError } from '../../errors.js';
import { isLocalAddress } from '../address-map.js';
import { splitHostPort, type CfgLine, type ParsedCfg } from './parse.js';

type SectionKind = ParsedCfg['sections'][number]['kind'];

const PROCESS_KEYWORDS = new Set([
  'daemon',
  'chroot',
  'user',
  'group',
  'uid',
  'gid',
  'pidfile',
  'nbproc',
  'master-worker',
]);

/** The line as run and why, or undefined when the line is kept; throws ConfigError for a line that must be removed. */
export function mapHostLine(section: SectionKind, l: CfgLine, file: string): { text: string; why: string } | undefined {
  const [kw, ...args] = l.tokens;
  if (section === 'global' && kw && PROCESS_KEYWORDS.has(kw))
    return {
      text: `# ${l.text.trim()}  # (mqtt-lb: the harness manages the process)`,
      why: 'process management is done by the harness',
    };
  if (section === 'global' && kw === 'stats' && args[0] === 'socket')
    return {
      text: `# ${l.text.trim()}  # (mqtt-lb: runtime API provided below)`,
      why: 'the harness provides its own runtime API socket',
    };
  if (kw === 'log' && args[0] && !isSafeLogTarget(args[0]))
    return {
      text: `log stdout format raw ${args.slice(1).join(' ') || 'local0'}`.trim(),
      why: `log target ${args[0]} is not on this machine`,
    };
  if (kw === 'nameserver' && args[1] && !isLocalAddress(splitHostPort(args[1]).host))
    return {
      text: `nameserver ${args[0]} 127.0.0.1:53`,
      why: `nameserver ${args[1]} is not on this machine (upstreams are mapped to node addresses, no lookup needed)`,
    };
  if (kw === 'mailer' && args[1] && !isLocalAddress(splitHostPort(args[1]).host))
    throw new ConfigError(
      `${kw} '${args[0]}' points at ${args[1]}, outside this machine`,
      file,
      l.line,
      `remove the ${kw} for the test run`,
    );
  if (kw === 'source' && args[0] && !isLocalAddress(splitHostPort(args[0]).host))
    throw new ConfigError(
      `'source ${args[0]}' is not a loopback address`,
      file,
      l.line,
      'use a 127.x address or remove it for the test run',
    );
  return undefined;
}

function isSafeLogTarget(target: string): boolean {
  if (
    target === 'global' ||
    target === 'stdout' ||
    target === 'stderr' ||
    target.startsWith('/') ||
    target.startsWith('unix@') ||
    target.startsWith('ring@') ||
    target.startsWith('fd@')
  )
    return true;
  const hp = splitHostPort(target.replace(/^udp[46]?@|^tcp[46]?@/, ''));
  return isLocalAddress(hp.host);
}
