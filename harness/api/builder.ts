/**
 * The library API's builder, Testcontainers-style: `await new MqttLbDeployment().withBroker(…).withBalancer(…).start()`.
 * Its values become a profile through the same schema and preflight as `mqtt-lb run` (errors name the file:line of
 * the call that set the value, or of the balancer config), then the same deployment starts.
 */
import type { z } from 'zod';
import type { BalancerKindName } from '../balancer/kinds.js';
import type { Transport } from '../clients/transport.js';
import { profileFromObject } from '../profile/load.js';
import type { tlsSchema } from '../profile/tls-schema.js';
import { preflight } from '../cli/args.js';
import { startDeployment } from '../deployment.js';
import { callSite, type CallSite } from './call-site.js';
import { StartedMqttLbDeployment } from './started.js';

export type BrokerKind = 'standin' | 'emqx' | 'rabbitmq';
export type RuntimeName = 'local' | 'docker' | 'auto';
export type { BalancerKindName };

export interface BrokerOptions {
  /** Cluster size, 1–9 (default 3). */
  nodes?: number;
  /** Docker runtime: the node image (default per kind). */
  image?: string;
  /** Docker runtime, stand-in: the Redis image. */
  redisImage?: string;
  /** PROXY protocol on the node listeners (for `send-proxy` configs). */
  trustProxy?: boolean;
  /** Stand-in heartbeat, ms (default 2000). */
  heartbeatMs?: number;
}

export interface BalancerOptions {
  /** Your balancer config (haproxy.cfg, TS-proxy YAML, nginx.conf), relative to the current directory. */
  config: string;
  /** Docker runtime: the balancer image. */
  image?: string;
}

export interface ClientDefaults {
  keepaliveS?: number;
  /** How the factory's clients reach the balancer: tcp (default), ws, wss, or a mix. */
  transport?: Transport | Transport[];
}

/** The profile's `tls:` section, written as in YAML (snake_case keys): harness/profile/tls-schema.ts. */
export type TlsOptions = z.input<typeof tlsSchema>;

/** Top-level profile keys the builder sets, each remembered with the call that set it. */
type Key = 'name' | 'runtime' | 'broker' | 'balancer' | 'map' | 'clients' | 'tls';

export class MqttLbDeployment {
  private readonly values: Record<string, unknown> = {};
  private readonly maps: string[] = [];
  private readonly sites = new Map<Key, CallSite>();
  private say: (message: string) => void = () => undefined;

  private set(key: Key, value: unknown): this {
    this.sites.set(key, callSite());
    if (key !== 'map') this.values[key] = value;
    return this;
  }

  /** The name shown in progress lines (default: "library"). */
  withName(name: string): this {
    return this.set('name', name);
  }

  withBroker(kind: BrokerKind, opts: BrokerOptions = {}): this {
    return this.set('broker', {
      kind,
      ...(opts.nodes !== undefined ? { nodes: opts.nodes } : {}),
      ...(opts.image !== undefined ? { image: opts.image } : {}),
      ...(opts.redisImage !== undefined ? { redis_image: opts.redisImage } : {}),
      ...(opts.trustProxy !== undefined ? { trust_proxy: opts.trustProxy } : {}),
      ...(opts.heartbeatMs !== undefined ? { heartbeat_ms: opts.heartbeatMs } : {}),
    });
  }

  withBalancer(kind: BalancerKindName, opts: BalancerOptions): this {
    return this.set('balancer', { kind, config: opts.config, ...(opts.image ? { image: opts.image } : {}) });
  }

  /** local | docker | auto (default auto: docker when an engine answers and the images exist, else local). */
  withRuntime(runtime: RuntimeName): this {
    return this.set('runtime', runtime);
  }

  /** Maps an upstream of your config (`host:port` as written) to a harness node, like `--map host:port=node2`. */
  withMap(upstream: string, node: string): this {
    this.maps.push(`${upstream}=${node}`);
    return this.set('map', undefined);
  }

  withClients(opts: ClientDefaults): this {
    return this.set('clients', {
      ...(opts.keepaliveS !== undefined ? { keepalive_s: opts.keepaliveS } : {}),
      ...(opts.transport !== undefined ? { transport: opts.transport } : {}),
    });
  }

  /** TLS set-up as the profile's `tls:` section (default: generated PKI, offload). */
  withTls(tls: TlsOptions = {}): this {
    return this.set('tls', tls);
  }

  /** Receives the deployment's progress lines (default: none). Pass `console.error` to see them. */
  withProgress(say: (message: string) => void): this {
    this.say = say;
    return this;
  }

  /**
   * Validates (schema, balancer config, address mapping — the checks of `mqtt-lb run`), starts the cluster and the
   * balancer, waits until the balancer sees the servers, and resolves with the running deployment. A bad value
   * rejects with a ConfigError naming the file:line that set it (`err.format()` prints it the CLI's way).
   */
  async start(): Promise<StartedMqttLbDeployment> {
    const site = callSite();
    const profile = profileFromObject(this.profileValues(), {
      file: site.file,
      baseDir: process.cwd(),
      defaultName: 'library',
      locate: (keyPath) => this.locate(keyPath, site),
    });
    await preflight(profile);
    const deployment = await startDeployment(profile, { progress: this.say });
    return new StartedMqttLbDeployment(deployment, profile);
  }

  /** The values as a profile would hold them (before validation). */
  private profileValues(): Record<string, unknown> {
    const balancer = this.values.balancer as Record<string, unknown> | undefined;
    return {
      ...this.values,
      ...(balancer || this.maps.length ? { balancer: { ...balancer, map: [...this.maps] } } : {}),
      suites: ['pubsub'],
    };
  }

  private locate(keyPath: PropertyKey[], fallback: CallSite): CallSite {
    const [top, second] = keyPath;
    const key: Key | undefined =
      top === 'balancer' && second === 'map' ? 'map' : typeof top === 'string' ? (top as Key) : undefined;
    const site = (key && this.sites.get(key)) ?? (top === 'balancer' ? this.sites.get('map') : undefined);
    return site ?? { file: fallback.file, line: fallback.line };
  }
}
