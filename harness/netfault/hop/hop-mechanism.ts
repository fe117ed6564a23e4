/**
 * Network faults through the fault hop: each verb becomes Toxiproxy toxics on every proxy of the node (its MQTT and
 * health-check ports alike, so the balancer's checks see what its traffic sees), through the hop's REST API; `loss`
 * stays a kernel fault, aimed at the hop's own address, and so do `partition` and `blackhole` when the kernel can
 * DROP there (else held-link toxics). The receipt names the mechanism and why it was chosen.
 */
import type { NodeName } from '../../types.js';
import { describeNetFault, type NetFault, type NetFaultKind } from '../fault.js';
import {
  NetFaultUnavailableError,
  type Availability,
  type NetFacilities,
  type NetFaultMechanism,
  type NetFaultReceipt,
} from '../mechanism.js';
import { hopPlan, type ToxicBody } from './toxic-plan.js';
import type { HopRoute } from './routes.js';

/** Why the hop produces a verb that the kernel might have produced: the receipt's first words. */
function whyHop(kind: NetFaultKind, f: NetFacilities): string {
  if (kind === 'delay')
    return f.netem === true
      ? 'netem on lo would delay every run → latency from the TS-proxy hop'
      : 'netem unavailable → latency from the TS-proxy hop';
  if (kind === 'bandwidth') return 'tbf cannot shape one node on lo → bandwidth from the TS-proxy hop';
  return `${kind} at the TS-proxy hop, health checks taking the same path`;
}

export class HopMechanism implements NetFaultMechanism {
  readonly name = 'ts-proxy-hop';
  private readonly added = new Map<NodeName, Array<{ proxy: string; toxic: string }>>();
  private readonly kernelNodes = new Set<NodeName>();

  constructor(
    /** The hop's admin API, e.g. http://127.0.1.10:40123. */
    private readonly admin: string,
    private readonly routes: readonly HopRoute[],
    /** Kernel faults on the hop's addresses (loss). */
    private readonly kernel: NetFaultMechanism,
  ) {}

  probe(): Promise<NetFacilities> {
    return this.kernel.probe();
  }

  async availability(kind: NetFaultKind): Promise<Availability> {
    if (kind !== 'loss') return true;
    const plan = hopPlan({ verb: 'loss', pct: 1 });
    const k = await this.kernel.availability(kind);
    return k === true || `${k} (${plan.via === 'kernel' ? plan.why : ''})`;
  }

  /** Whether the kernel can DROP on the hop's address for a partition or blackhole (else why not). */
  private async kernelDrop(kind: NetFaultKind): Promise<Availability> {
    if (kind !== 'partition' && kind !== 'blackhole') return 'only partition and blackhole are kernel DROPs';
    return this.kernel.availability(kind);
  }

  private async call(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.admin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok && !(method === 'DELETE' && res.status === 404))
      throw new Error(`fault hop ${method} ${path}: ${res.status} ${await res.text()}`);
  }

  private proxiesOf(node: NodeName): string[] {
    const names = this.routes.filter((r) => r.node === node).map((r) => r.name);
    if (!names.length) throw new Error(`the fault hop has no proxy for ${node}`);
    return names;
  }

  async apply(node: NodeName, fault: NetFault): Promise<NetFaultReceipt> {
    const at = new Date().toISOString();
    const proxies = this.proxiesOf(node);
    if (fault.verb === 'heal') {
      const n = await this.healCount(node);
      return { node, fault, mechanism: this.name, detail: `removed ${n} toxic(s)/rule set(s)`, at };
    }
    const ok = await this.availability(fault.verb);
    if (ok !== true) throw new NetFaultUnavailableError(`${describeNetFault(fault)} on ${node}: ${ok}`);
    await this.heal(node);
    const plan = hopPlan(fault, await this.kernelDrop(fault.verb));
    if (plan.via === 'kernel') {
      const r = await this.kernel.apply(node, fault);
      this.kernelNodes.add(node);
      return {
        ...r,
        mechanism: `${r.mechanism} on the TS-proxy hop's address of ${node}`,
        detail: `${r.detail}; ${plan.why}`,
      };
    }
    const list: Array<{ proxy: string; toxic: string }> = [];
    this.added.set(node, list);
    for (const proxy of proxies)
      for (const t of plan.toxics) {
        await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, t satisfies ToxicBody);
        list.push({ proxy, toxic: t.name });
      }
    return {
      node,
      fault,
      mechanism: `${whyHop(fault.verb, await this.probe())}: toxics via its Toxiproxy API`,
      detail: `${plan.how}, on proxies ${proxies.join(', ')}`,
      at,
    };
  }

  private async healCount(node: NodeName): Promise<number> {
    let n = 0;
    for (const { proxy, toxic } of this.added.get(node) ?? []) {
      await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
      n++;
    }
    this.added.delete(node);
    if (this.kernelNodes.delete(node)) {
      await this.kernel.heal(node);
      n++;
    }
    return n;
  }

  async heal(node: NodeName): Promise<void> {
    await this.healCount(node);
  }

  async healAll(): Promise<void> {
    for (const node of [...this.added.keys(), ...this.kernelNodes]) await this.heal(node);
    await this.kernel.healAll();
  }
}
