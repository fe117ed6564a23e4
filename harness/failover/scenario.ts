/**
 * One failover scenario on a running deployment: waits until every server is in rotation, starts the
 * observers (balancer view at 10 Hz, per-node counts), the fleet and the steady stream, injects the
 * fault with a timestamp, waits (bounded) for detection and reconnects, and undoes the fault at the end.
 */
import type { BalancedDeployment, FaultVerb, NodeName } from '../types.js';
import type { ClientPool } from '../clients/mqtt.js';
import type { FailoverThresholds } from './thresholds.js';
import type { FailoverMetrics } from '../report/summary-types.js';
import type { ScenarioDef } from '../suite/scenario-def.js';
import { BalancerPoller, isInRotation, isOut } from './balancer-poller.js';
import { NodeCountSampler } from './node-sampler.js';
import { ScenarioTimeline } from './timeline.js';
import { Fleet, type FleetMember, type FleetOptions } from './fleet.js';
import { TrafficStream } from './traffic.js';
import { isPassive, riseBound, seconds } from './check-facts.js';
import { waitFor } from '../util/wait.js';
import { logFailure } from '../util/best-effort.js';
import { StageLog } from '../suite/stage.js';

export interface ScenarioContext {
  deployment: BalancedDeployment;
  pool: ClientPool;
  thresholds: FailoverThresholds;
  /** Unique per suite run, part of every client id and topic. */
  runId: string;
}

/** How a scenario wants its fleet and stream: `traffic: false` connects idle clients only. */
export interface BeginOptions {
  traffic?: boolean;
  fleet?: Partial<FleetOptions>;
}

/** A failover scenario: runs on a begun FailoverScenario; `options` shape its fleet and stream. */
export interface FailoverScenarioDef extends ScenarioDef<FailoverScenario, FailoverMetrics> {
  options?(ctx: ScenarioContext): BeginOptions;
}

const UNDO: Partial<Record<FaultVerb, FaultVerb>> = { kill: 'restart', stop: 'restart', pause: 'resume' };

/**
 * Bounded wait until every server of the MQTT backend is in rotation; false when the bound passed. Passive checks
 * only: there is no server state to wait for (the balancer tries every server), true at once. A node the previous
 * scenario restarted may still be booting: the backend's restart time (capabilities.bootMs) is added.
 */
export async function waitAllInRotation(d: BalancedDeployment, capMs: number): Promise<boolean> {
  if (isPassive(d.balancerFacts)) return true;
  const check = d.balancerFacts.mqttBackend.servers[0]?.check;
  const bound = Math.min(capMs, (check ? riseBound(check).worstMs : 0) + 3000) + (d.capabilities.bootMs ?? 0);
  const backend = d.balancerFacts.mqttBackend.name;
  return waitFor(
    async () => {
      const servers = (await d.balancerView.servers()).filter((s) => s.backend === backend);
      return servers.length > 0 && servers.every((s) => isInRotation(s.status) && s.checkStatus !== 'INI');
    },
    { timeoutMs: bound, intervalMs: 100, what: 'every server in rotation' },
  ).then(
    () => true,
    () => false,
  );
}

export class FailoverScenario {
  readonly timeline = new ScenarioTimeline();
  readonly poller: BalancerPoller;
  readonly sampler: NodeCountSampler;
  readonly notes: string[] = [];
  private readonly undo = new Map<NodeName, FaultVerb>();
  /** Undo steps besides the fault verbs (a network fault's heal), run by restore() in order. */
  readonly cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  fleet!: Fleet;
  traffic: TrafficStream | undefined;
  placement = new Map<string, NodeName>();

  private constructor(
    readonly ctx: ScenarioContext,
    readonly name: string,
    /** Where the scenario is, for the message of a scenario that overruns its budget. */
    readonly stage: StageLog,
  ) {
    this.poller = new BalancerPoller(ctx.deployment.balancerView, ctx.deployment.balancerFacts.mqttBackend.name);
    this.sampler = new NodeCountSampler(ctx.deployment, this.timeline, this.poller);
  }

  static async begin(
    ctx: ScenarioContext,
    name: string,
    opts: BeginOptions = {},
    stage = new StageLog(),
  ): Promise<FailoverScenario> {
    stage.set('waiting for every server in rotation');
    if (!(await waitAllInRotation(ctx.deployment, ctx.thresholds.capMs)))
      throw new Error(
        `scenario ${name}: not every server of ${ctx.deployment.balancerFacts.mqttBackend.name} is in rotation, cannot start`,
      );
    const s = new FailoverScenario(ctx, name, stage);
    s.poller.start();
    s.sampler.start();
    try {
      await s.setUp(opts);
    } catch (err) {
      await s.finish();
      throw err;
    }
    return s;
  }

  private async setUp(opts: BeginOptions): Promise<void> {
    const { ctx, name } = this;
    const t = ctx.thresholds;
    this.stage.set(`connecting the fleet (${t.clients} clients)`);
    this.fleet = await Fleet.connect(ctx.deployment, ctx.pool, {
      idPrefix: `fo-${ctx.runId}-${name}`,
      clients: t.clients,
      publishers: opts.traffic === false ? 0 : t.publishers,
      subscribers: opts.traffic === false ? 0 : t.subscribers,
      keepaliveS: t.keepaliveS,
      reconnectPeriodMs: t.reconnectPeriodMs,
      connectTimeoutMs: t.connectTimeoutMs,
      client: t.client,
      ...opts.fleet,
    });
    this.timeline.event('note', {
      detail: `fleet clients: ${this.fleet.kind === 'engine' ? 'load engine' : 'MQTT.js'}`,
    });
    if (opts.traffic !== false) {
      const ends = (role: 'publisher' | 'subscriber'): Array<{ id: string; client: FleetMember['client'] }> =>
        this.fleet.byRole(role);
      this.traffic = new TrafficStream(
        `mqtt-lb/failover/${ctx.runId}/${name}`,
        ends('publisher'),
        ends('subscriber'),
        t.ratePerQos,
        this.timeline.traffic,
      );
      this.stage.set('subscribing the stream and checking its routes');
      await this.traffic.subscribeAll().catch(async (err: Error) => {
        throw new Error(`${err.message}; ${await this.subscribersByNode()}`);
      });
      this.traffic.start();
    }
    this.stage.set("reading the fleet's placement from the node API");
    this.placement = await this.fleet.placement(ctx.deployment);
    this.timeline.event('note', { detail: `${t.clients} clients placed: ${JSON.stringify(this.countsByNode())}` });
    this.stage.set('waiting for the node counts to show the fleet');
    await this.steady();
  }

  /** Where the stream's subscribers are, by the node API (for a failed subscribe: is one node not answering?). */
  private async subscribersByNode(): Promise<string> {
    const placed = await this.fleet.listed(this.ctx.deployment).catch(() => undefined);
    if (!placed) return 'no node API answered to place the subscribers';
    const byNode = new Map<string, string[]>();
    for (const m of this.fleet.byRole('subscriber')) {
      const node = placed.get(m.id) ?? 'not listed';
      byNode.set(node, [...(byNode.get(node) ?? []), m.id]);
    }
    return `subscribers by node (node API): ${[...byNode].map(([n, ids]) => `${n}: ${ids.join(', ')}`).join('; ')}`;
  }

  /** The last events of the timeline and the per-node counts now (quoted when the scenario overruns). */
  progress(): string {
    const events = this.timeline
      .toJSON()
      .events.slice(-4)
      .map(
        (e) => `${(e.t / 1000).toFixed(1)} s ${e.kind}${e.node ? ` ${e.node}` : ''}${e.detail ? ` (${e.detail})` : ''}`,
      );
    return `events: ${events.join('; ') || 'none'}; clients per node now: ${JSON.stringify(this.sampler.current())}`;
  }

  /** Waits (bounded) until the per-node counts show the whole fleet, so the timeline starts from the steady state. */
  async steady(timeoutMs = 3000): Promise<void> {
    const n = this.fleet.members.length;
    const sum = (): number => Object.values(this.sampler.current()).reduce((a, b) => a + b, 0);
    // Not steady within the bound: the timeline then starts from what the counts show, which the chart makes visible.
    await waitFor(() => sum() >= n, { timeoutMs, intervalMs: 50, what: `node counts to show ${n} clients` }).catch(
      () => undefined,
    );
  }

  /** Keeps observing for a few more samples, so the timeline shows where the clients ended up. */
  settle(samples = 4): Promise<void> {
    return this.sampler.more(samples);
  }

  countsByNode(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.ctx.deployment.nodes.map((n) => [n.name, 0]));
    for (const node of this.placement.values()) out[node] = (out[node] ?? 0) + 1;
    return out;
  }

  /** The node with the most fleet clients (ties: the later node, so node1 is rarely the target). */
  busiestNode(): NodeName {
    const counts = this.countsByNode();
    return Object.entries(counts).sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0]))[0]![0];
  }

  on(node: NodeName): FleetMember[] {
    return this.fleet.members.filter((m) => this.placement.get(m.id) === node);
  }

  /** Injects the fault; returns its timestamp (taken just before the verb runs). */
  async fault(node: NodeName, verb: FaultVerb): Promise<number> {
    const t0 = Date.now();
    this.stage.set(`${verb} ${node}`);
    await this.ctx.deployment.fault(node, verb);
    const undo = UNDO[verb];
    if (undo) this.undo.set(node, undo);
    else this.undo.delete(node);
    this.timeline.event('fault', { node, detail: verb, at: t0 });
    return t0;
  }

  /** Waits (bounded) for the balancer to take the node out; the time it did, or null. */
  async detection(node: NodeName, since: number, windowMs: number): Promise<number | null> {
    this.stage.set(`waiting for the balancer to take ${node} out`);
    const at = await this.poller.waitFor(node, isOut, since, windowMs);
    if (at === undefined) {
      this.timeline.event('note', { node, detail: `not marked DOWN within ${seconds(windowMs)}` });
      return null;
    }
    const state = this.poller.stateAt(node, at);
    this.timeline.event('marked-down', {
      node,
      at,
      detail: state?.checkStatus ? `check ${state.checkStatus}` : undefined,
    });
    return at - since;
  }

  async markedUp(node: NodeName, since: number, windowMs: number): Promise<number | null> {
    this.stage.set(`waiting for the balancer to put ${node} back`);
    const at = await this.poller.waitFor(node, isInRotation, since, windowMs);
    if (at === undefined) return null;
    this.timeline.event('marked-up', { node, at });
    return at - since;
  }

  /** Waits (bounded) until every member has a CONNACK after `since`; true when all did. */
  async allReconnected(members: FleetMember[], since: number, windowMs: number): Promise<boolean> {
    this.stage.set(`waiting for ${members.length} clients to reconnect`);
    const back = (): boolean => members.every((m) => m.events.firstAfter('connack', since));
    const ok = await waitFor(back, { timeoutMs: windowMs, intervalMs: 25, what: 'reconnects' }).then(
      () => true,
      () => false,
    );
    const last = Math.max(since, ...members.map((m) => m.events.firstAfter('connack', since)?.at ?? 0));
    const n = members.filter((m) => m.events.firstAfter('connack', since)).length;
    this.timeline.event(ok ? 'reconnected' : 'note', {
      at: ok ? last : Date.now(),
      detail: `${n}/${members.length} affected clients back`,
    });
    return ok;
  }

  /** Stops the stream (drained), the observers and the fleet, and undoes the faults still in place. */
  async finish(): Promise<void> {
    this.stage.set('finishing');
    await this.traffic
      ?.stop()
      .catch(logFailure('stopping the scenario traffic', 'its clients are closed with the pool'));
    await this.sampler.stop();
    await this.poller.stop();
    await this.fleet?.close().catch(logFailure('closing the scenario fleet', 'its clients are closed with the pool'));
    await this.restore();
  }

  async restore(): Promise<void> {
    for (const [node, verb] of this.undo) {
      await this.ctx.deployment
        .fault(node, verb)
        .catch((err: Error) => this.notes.push(`could not ${verb} ${node}: ${err.message}`));
      this.undo.delete(node);
    }
    for (const c of this.cleanups.splice(0))
      await c.run().catch((err: Error) => this.notes.push(`could not ${c.what}: ${err.message}`));
  }
}
