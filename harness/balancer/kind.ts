/**
 * What a balancer kind knows, whatever the runtime (types only). One module per kind implements it
 * (`balancer/<kind>/kind.ts`), `balancer/kinds.ts` lists them, and two generic placements start any kind:
 * `local/balancer-process.ts` (a child process) and `docker/balancer-container.ts` (a container).
 */
import type {
  AddressRewrite,
  BalancerView,
  Endpoints,
  HostPort,
  MachineFit,
  MappingEntry,
  NodeName,
} from '../types.js';
import type { BalancerFacts } from '../facts.js';
import type { BalancerTls } from '../pki/run-tls.js';
import type { ExplicitMap, UpstreamResolver } from './address-map.js';
import type { BindLike } from './endpoints.js';
import type { MachineLimits } from './machine-limits.js';
import type { BalancerRemedies } from './remedies.js';

/** Where the harness's observation interface (runtime API, admin API) of the mapped config listens. */
export interface AdminPlace {
  /** The address to listen on (process: the balancer's loopback address; container: 0.0.0.0). */
  host: string;
  /** A port to listen on (process: a free one; container: the kind's `container.adminPort`). */
  port(): Promise<number>;
  /** A unix-socket path for `name` (process: in the run directory); absent in a container (use host + port). */
  socket?(name: string): string;
}

/** Where the mapped config will run: the placement (process, container, or a dry run for preflight) decides. */
export interface Placement {
  nodeNames: readonly NodeName[];
  explicit: ExplicitMap[];
  /** How an upstream mapped to a node is reached (local: node IP; docker: network alias). */
  resolve: UpstreamResolver;
  /** Where a frontend bind written with `originalPort` goes; `used` holds the "host:port"s already given out. */
  placeBind(originalPort: number, used: Set<string>): Promise<HostPort>;
  admin: AdminPlace;
  /** Directory unix-socket binds move to (container: /tmp); absent: the run directory. */
  socketDir?: string;
  /** Directory for the balancer's own files (pid file, logs) where the kind writes them itself (NGINX): process: the
   *  kind's folder of the run directory; container: /tmp; absent (a dry run): a placeholder path. */
  runDir?: string;
  /** The run's TLS files (profile `tls:`). */
  tls?: BalancerTls;
  /** What the machine (or container) allows, for kinds that fit production-sized settings to it. */
  machine?: MachineLimits;
}

/** What every kind's mapped config has; each kind extends it with its own parsed form. */
export interface MappedConfig {
  /** The config as run: the user's text with the mapping applied, line numbers preserved. */
  text: string;
  mapping: MappingEntry[];
  /** Frontend binds after placement. */
  binds: BindLike[];
  machineFit?: MachineFit;
}

/** How a started balancer re-reads its config, established connections surviving. */
export type ReloadStrategy =
  /** Start a new process that takes over from the old ones (HAProxy `-x <socket> -sf <pids>`); process only. */
  { respawn(oldPids: string[], admin: string): string[] } | { signal: NodeJS.Signals; confirm: ReloadConfirm };

/** How a signal reload is confirmed. */
export type ReloadConfirm =
  /** A log line after the signal; `failed` tells a failed reload apart. `what` completes "waiting for …". */
  | { logLine: RegExp; failed: RegExp; timeoutMs: number; what: string }
  /** The probe answers with another pid (a new worker). */
  | { newPid: true; timeoutMs: number; what: string };

/** How to run the kind as a local child process. */
export interface ProcessRecipe<M extends MappedConfig> {
  /** File name of the mapped config in the run directory (under a folder named after the kind). */
  configName: string;
  /** The version of what will run (may throw MissingBinaryError: the first thing a start calls). */
  version(): Promise<string>;
  /** The system program it needs, for `mqtt-lb doctor` (absent: nothing beyond Node). */
  program?: { name: string; bin: string; args: string[]; version: RegExp; apt: string; required: boolean };
  /** Command line for the mapped config at `cfgFile`; `aptPackage`: what provides a missing command. */
  launch(cfgFile: string): { command: string; args: string[]; aptPackage?: string };
  /** Validates the mapped config before launching (e.g. `haproxy -c`), errors naming the user's file. */
  validate?(cfgFile: string, userFile: string): Promise<void>;
  /** Ready when the probe answers with the process's pid, or when each of these log lines appeared. */
  ready: 'probe' | { logLines(mapped: M): RegExp[] };
  /** After each (re)start, e.g. setting server addresses through the runtime API. */
  afterStart?(admin: string, mapped: M, userFile: string): Promise<void>;
  reload: ReloadStrategy;
  stopGraceMs: number;
}

/** A file copied into the container (same shape as docker/brokers/types.ts ContainerFile). */
export type KindFile = { target: string; mode: number } & ({ content: string } | { source: string });

/** How to run the kind as a container. */
export interface ContainerRecipe<M extends MappedConfig> {
  /** Where the mapped config goes in the image. */
  cfgPath: string;
  /** Container port of the observation interface (published like the frontends; binds never take it). */
  adminPort: number;
  /** The image per docker/image-choice.ts: env override, the locally built image, the official fallback. */
  image: {
    env: string;
    /** Key of docker/images.ts `IMAGES` (built by scripts/docker/build-images.sh); absent: none is built. */
    built?: string;
    /** The official image, or 'node-base' (the built program is copied onto a plain Node image: `appEntry`). */
    official: string;
    appEntry?: string;
  };
  /** Command (after the image's entrypoint) and environment; absent: the image's own. */
  command?: string[];
  env?: Record<string, string>;
  /** Files besides the mapped config (certificates at the paths the mapped config names). May throw ConfigError. */
  files(mapped: M, userFile: string, tls?: BalancerTls): KindFile[];
  /** Descriptors the user's config asks for, to size the container's `nofile`; absent: no limit is set. */
  fdNeeds?(userFile: string): number | undefined;
  reload: Extract<ReloadStrategy, { signal: NodeJS.Signals }>;
  /** Version shown when the probe does not tell it. */
  versionFallback: string;
}

export interface BalancerKind<M extends MappedConfig = MappedConfig> {
  /** The profile's `balancer.kind`. */
  readonly name: string;
  /** For messages: "HAProxy". */
  readonly title: string;
  /** For messages: "HAProxy runtime API". */
  readonly adminTitle: string;
  /** `Endpoints.balancerAdmin.kind`. */
  readonly adminEndpoint: NonNullable<Endpoints['balancerAdmin']>['kind'];
  /** Maps the user's config onto a placement (pure apart from reading files it names; unit-tested without processes). */
  map(text: string, file: string, at: Placement): Promise<M>;
  /** Static facts with lines (algorithm, weights, checks, timeouts, limits, TLS). */
  facts(mapped: M, file: string): BalancerFacts;
  /** Lines moved onto the machine besides upstreams and binds (shown in the report). */
  addressRewrites?(mapped: M): AddressRewrite[];
  /** The harness's address of the observation interface: as mapped (process), or published on `at` (container). */
  adminAddress(mapped: M, at?: HostPort): string;
  /** Live view: server states and sessions. */
  view(admin: string, mapped: M): BalancerView;
  /** Why the view cannot report per-server state (NGINX open source), known before starting: the needs
   *  'balancer-view' is then missing with this reason; absent: the view reports it. */
  readonly viewLacks?: string;
  /** Readiness and version (both runtimes): undefined while not answering. */
  probe(admin: string, mapped: M): Promise<{ pid: number; version: string } | undefined>;
  /** Validates the user's config and its mapping without starting anything (`tls`: stand-in files for the run's PKI). */
  preflight(file: string, nodes: number, explicit: ExplicitMap[], tls?: BalancerTls): Promise<void>;
  /** A failed start as an error naming the user's file and line, where the kind's messages allow. */
  explainStartFailure(err: Error, mapped: M, userFile: string, where: 'process' | 'container'): Error;
  /** The config-language advice findings quote. */
  remedies: BalancerRemedies;
  /** Where a frontend's TLS settings are written when not on its bind line (TLS findings point there). */
  tlsSettingsAt?(file: string, frontend: string): { line: number; source: string } | undefined;
  process: ProcessRecipe<M>;
  container: ContainerRecipe<M>;
}
