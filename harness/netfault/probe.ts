/**
 * Probes the kernel's network-fault facilities in a throw-away network namespace (`unshare -n`), so nothing on the
 * machine's own interfaces or tables is touched: root, iptables with DROP/REJECT tcp-reset/statistic, tc tbf and
 * netem, nsenter. Cached per process (one probe per run).
 */
import type { Availability, NetFacilities } from './mechanism.js';
import { runTool, type ToolResult } from './exec.js';

const why = (what: string, r: ToolResult): string =>
  `${what}: ${r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`}`.trim();

/** Runs a shell snippet in a fresh network namespace (its own loopback, no rules). */
function inScratchNs(script: string): Promise<ToolResult> {
  return runTool(['unshare', '-n', 'sh', '-c', `ip link set lo up && ${script}`], 10_000);
}

async function check(what: string, script: string, prereq: Availability): Promise<Availability> {
  if (prereq !== true) return prereq;
  const r = await inScratchNs(script);
  return r.code === 0 || why(what, r);
}

async function onPath(tool: string): Promise<Availability> {
  const r = await runTool(['sh', '-c', `command -v ${tool}`]);
  return r.code === 0 || `${tool} is not installed`;
}

export async function probeFacilities(): Promise<NetFacilities> {
  const root: Availability =
    process.getuid?.() === 0 || 'not root: iptables and tc need root or CAP_NET_ADMIN (CI runs as root)';
  const ns = root === true ? await check('unshare -n', 'true', root) : root;
  const iptables = ns === true ? await check('iptables', 'iptables -w -N MQTTLB-PROBE', await onPath('iptables')) : ns;
  const [statistic, reject, tbf, netem, nsenter] = await Promise.all([
    check(
      'iptables -m statistic',
      'iptables -w -A OUTPUT -p tcp --dport 9 -m statistic --mode random --probability 0.5 -j DROP',
      iptables,
    ),
    check('iptables REJECT', 'iptables -w -A OUTPUT -p tcp --dport 9 -j REJECT --reject-with tcp-reset', iptables),
    check('tc tbf', 'tc qdisc add dev lo root tbf rate 1mbit burst 32kbit latency 400ms', ns),
    check('tc netem', 'tc qdisc add dev lo root netem delay 1ms', ns),
    root === true ? onPath('nsenter') : Promise.resolve(root),
  ]);
  return {
    root,
    iptables,
    statistic,
    reject,
    tbf,
    netem: netem === true || `netem unavailable in this kernel (${netem})`,
    nsenter,
  };
}

let cached: Promise<NetFacilities> | undefined;

/** The probe, once per process. */
export function facilities(): Promise<NetFacilities> {
  cached ??= probeFacilities();
  return cached;
}
