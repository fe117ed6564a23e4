/**
 * Periodic health checks of one server with HAProxy's `inter`/`fall`/`rise` semantics:
 * a health counter in [0, rise+fall-1]; the server is UP at or above `rise`. It starts at `rise`
 * (UP, but one failed check marks it DOWN), climbs to rise+fall-1 on success, and a DOWN server
 * needs `rise` consecutive successes.
 */
import type { HealthConfig } from '../config/types.js';
import { encodeProxyV1, encodeProxyV2 } from '../proxy-protocol.js';
import type { ServerState } from '../runtime/server.js';
import { probeHttp, probeMqtt, probeTcp, type ProbeOptions, type ProbeResult, type ProbeTarget } from './probes.js';

export type HealthChangeListener = (server: ServerState, up: boolean, result: ProbeResult) => void;

const PROBES: Record<
  Exclude<HealthConfig['type'], 'none'>,
  (t: ProbeTarget, o: ProbeOptions) => Promise<ProbeResult>
> = {
  tcp: probeTcp,
  http: probeHttp,
  mqtt: probeMqtt,
};

export class HealthMonitor {
  private health: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly options: ProbeOptions;
  private readonly target: ProbeTarget;

  constructor(
    private readonly server: ServerState,
    private readonly cfg: HealthConfig,
    sendProxy: 'v1' | 'v2' | null,
    private readonly onChange: HealthChangeListener,
  ) {
    const port = cfg.port ?? server.port;
    const proxyOnCheck = sendProxy !== null && cfg.send_proxy && port === server.port;
    this.target = { host: server.host, port };
    this.options = {
      timeoutMs: cfg.timeout,
      proxyHeader: proxyOnCheck ? (sendProxy === 'v1' ? encodeProxyV1(null) : encodeProxyV2(null)) : null,
      path: cfg.path,
      expectBody: cfg.expect_body,
    };
    this.health = server.healthy ? cfg.rise : 0;
  }

  start(): void {
    if (this.cfg.type === 'none') {
      this.server.checkStatus = '';
      return;
    }
    this.timer = setTimeout(() => void this.runOnce(), 0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async runOnce(): Promise<void> {
    if (this.stopped || this.cfg.type === 'none') return;
    const result = await PROBES[this.cfg.type](this.target, this.options);
    if (this.stopped) return;
    this.record(result);
    this.timer = setTimeout(() => void this.runOnce(), this.cfg.inter);
  }

  private record(result: ProbeResult): void {
    const s = this.server;
    s.checkStatus = result.status;
    s.checkDetail = result.detail;
    s.lastCheckMs = Date.now();
    const { rise, fall } = this.cfg;
    const top = rise + fall - 1;
    if (result.ok) {
      if (this.health < top) this.health++;
      if (!s.healthy && this.health >= rise) {
        this.health = top;
        s.setHealthy(true);
        this.onChange(s, true, result);
      }
    } else {
      s.checkFailures++;
      if (this.health > rise) this.health--;
      else if (s.healthy) {
        this.health = 0;
        s.setHealthy(false);
        this.onChange(s, false, result);
      } else this.health = 0;
    }
  }
}
