/**
 * The kernel-level NetFaultMechanism: iptables rules in a run-owned chain (partition, blackhole, reset, loss) and
 * tc qdiscs (bandwidth, delay) where an interface belongs to one node. Local runtime: the host namespace, rules
 * matching the node's loopback address and MQTT ports. Docker: the rules inside the node container's namespace
 * (`nsenter -t <pid> -n`), matching every port to and from the balancer's address (the target's `peer`: the
 * balancer ↔ node link, its health checks included) or, without a peer, the node's MQTT ports from any source. A
 * node's new fault replaces its previous one.
 */
import type { NodeName } from '../types.js';
import { describeNetFault, type NetFault, type NetFaultKind } from './fault.js';
import {
  NetFaultUnavailableError,
  type Availability,
  type NetFacilities,
  type NetFaultMechanism,
  type NetFaultReceipt,
} from './mechanism.js';
import { facilities } from './probe.js';
import { netFaultAvailability, type NetFaultRuntime } from './availability.js';
import { mustRun, runTool, runToolWithInput } from './exec.js';
import {
  chainName,
  chainOp,
  HOOKS,
  isRuleFault,
  jumpComment,
  jumpSpec,
  restoreInput,
  RESTORE_ARGV,
  ruleSpecs,
  teardownOps,
  type RuleTarget,
} from './iptables-rules.js';
import { netemArgs, qdiscDelArgs, tbfArgs } from './qdisc.js';
import { logFailure } from '../util/best-effort.js';

/** A network namespace commands run in: the host's (no prefix) or a container's (nsenter prefix). */
export interface Netns {
  key: string;
  label: string;
  prefix: readonly string[];
}

export const HOST_NS: Netns = { key: 'host', label: 'the host namespace', prefix: [] };

/** Where a node's faults go: its namespace, rule match, and the interface a qdisc may shape (docker only). */
export interface NodeNetTarget extends RuleTarget {
  ns: Netns;
  iface?: string;
}

interface Installed {
  ns: Netns;
  rules: string[][];
  iface?: string;
}

export interface NetfilterOptions {
  runtime: NetFaultRuntime;
  runId: string;
  resolve: (node: NodeName) => Promise<NodeNetTarget>;
  /** Facilities (tests may pass a fixed set); default: the process-wide probe. */
  probe?: () => Promise<NetFacilities>;
}

export class NetfilterMechanism implements NetFaultMechanism {
  readonly name: string;
  readonly chain: string;
  private readonly comment: string;
  private readonly installed = new Map<NodeName, Installed>();
  private readonly chains = new Map<string, Netns>();
  /** Chains being created ahead of a fault (prepare), awaited by the node's next fault and by healAll. */
  private readonly preparing = new Map<NodeName, Promise<void>>();

  constructor(private readonly opts: NetfilterOptions) {
    this.name = `iptables-${opts.runtime}`;
    this.chain = chainName(opts.runId);
    this.comment = jumpComment(opts.runId, process.pid);
  }

  probe(): Promise<NetFacilities> {
    return (this.opts.probe ?? facilities)();
  }

  async availability(kind: NetFaultKind): Promise<Availability> {
    return netFaultAvailability(this.opts.runtime, await this.probe(), kind);
  }

  /**
   * Probes the facilities and creates the run chain in the node's namespace ahead of any fault, in the background
   * (never rejects: a failure is logged and the fault then does it), so that a later fault only installs its rules:
   * on a loaded machine the probe and the chain's seven iptables calls took 2 s, counted in the fault's measured time.
   */
  prepare(node: NodeName): void {
    const work = (async () => {
      if ((await this.availability('partition')) !== true) return;
      await this.ensureChain((await this.opts.resolve(node)).ns);
    })().catch(logFailure(`preparing the network-fault chain for ${node}`, 'its first fault creates it'));
    this.preparing.set(node, work);
  }

  async apply(node: NodeName, fault: NetFault): Promise<NetFaultReceipt> {
    await this.preparing.get(node);
    const at = new Date().toISOString();
    if (fault.verb === 'heal') {
      const n = await this.healCount(node);
      return { node, fault, mechanism: this.name, detail: `removed ${n} rule(s)/qdisc(s)`, at };
    }
    const ok = await this.availability(fault.verb);
    if (ok !== true) throw new NetFaultUnavailableError(`${describeNetFault(fault)} on ${node}: ${ok}`);
    await this.heal(node);
    const t = await this.opts.resolve(node);
    if (isRuleFault(fault)) {
      await this.ensureChain(t.ns);
      const entry: Installed = { ns: t.ns, rules: [] };
      this.installed.set(node, entry);
      await this.addRules(t.ns, ruleSpecs(t, fault), entry);
      const where = t.peer
        ? `every tcp port from and to ${t.peer.address}`
        : `${t.address ? `${t.address} ` : ''}tcp ports ${t.ports.join(', ')}`;
      const link = t.peer ? `, link to ${t.peer.label} ${t.peer.address}` : '';
      return {
        node,
        fault,
        mechanism: `iptables (chain ${this.chain} in ${t.ns.label}${link})`,
        detail: `${entry.rules.length} rule(s) on ${where}`,
        at,
      };
    }
    if (!t.iface) throw new NetFaultUnavailableError(`${describeNetFault(fault)} on ${node}: no interface of its own`);
    const argv =
      fault.verb === 'bandwidth' ? tbfArgs(t.iface, fault.rate) : netemArgs(t.iface, fault.ms, fault.jitterMs);
    await mustRun([...t.ns.prefix, ...argv]);
    this.installed.set(node, { ns: t.ns, rules: [], iface: t.iface });
    return {
      node,
      fault,
      mechanism: `tc ${argv[6]} (${t.iface} in ${t.ns.label})`,
      detail: `${argv.slice(6).join(' ')} — the node's outgoing packets${t.peer ? ` on every link (a qdisc is not scoped to ${t.peer.label})` : ''}`,
      at,
    };
  }

  private async ensureChain(ns: Netns): Promise<void> {
    if (this.chains.has(ns.key)) return;
    const created = await runTool([...ns.prefix, 'iptables', '-w', '-N', this.chain]);
    if (created.code !== 0 && !/exists/i.test(created.stderr))
      throw new Error(`iptables -N ${this.chain} in ${ns.label} failed: ${created.stderr}`);
    this.chains.set(ns.key, ns);
    for (const hook of HOOKS) {
      const spec = jumpSpec(this.chain, this.comment);
      const present = await runTool([...ns.prefix, 'iptables', '-w', '-C', hook, ...spec]);
      if (present.code !== 0) await mustRun([...ns.prefix, 'iptables', '-w', '-I', hook, '1', ...spec]);
    }
  }

  /**
   * Adds a fault's rules in one `iptables-restore --noflush` transaction (one wait for the xtables lock: one call per
   * rule took 0.6–4.8 s for a partition on a loaded machine, while the fault was half in place); one by one where
   * iptables-restore is missing or refuses.
   */
  private async addRules(ns: Netns, specs: string[][], entry: Installed): Promise<void> {
    const batch = await runToolWithInput([...ns.prefix, ...RESTORE_ARGV], restoreInput('-A', this.chain, specs));
    if (batch.code === 0) {
      entry.rules.push(...specs);
      return;
    }
    for (const spec of specs) {
      await mustRun([...ns.prefix, ...chainOp('-A', this.chain, spec)]);
      entry.rules.push(spec);
    }
  }

  private async healCount(node: NodeName): Promise<number> {
    const entry = this.installed.get(node);
    if (!entry) return 0;
    this.installed.delete(node);
    let removed = 0;
    const batch = await runToolWithInput(
      [...entry.ns.prefix, ...RESTORE_ARGV],
      restoreInput('-D', this.chain, entry.rules),
    );
    if (batch.code === 0) removed += entry.rules.length;
    // One by one when the batch failed; failures are ignored: a restarted container's namespace (and its rules) is
    // gone already.
    else
      for (const spec of entry.rules)
        if ((await runTool([...entry.ns.prefix, ...chainOp('-D', this.chain, spec)])).code === 0) removed++;
    if (entry.iface && (await runTool([...entry.ns.prefix, ...qdiscDelArgs(entry.iface)])).code === 0) removed++;
    return removed;
  }

  async heal(node: NodeName): Promise<void> {
    await this.healCount(node);
  }

  async healAll(): Promise<void> {
    await Promise.all(this.preparing.values());
    for (const node of [...this.installed.keys()]) await this.heal(node);
    for (const ns of this.chains.values())
      for (const argv of teardownOps(this.chain, this.comment)) await runTool([...ns.prefix, ...argv]);
    this.chains.clear();
  }
}
