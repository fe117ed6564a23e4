/** One stand-in broker node (standin/node.ts) as a local child process, with the fault verbs. */
import { ManagedProcess } from '../proc/child.js';
import type { RunDir } from '../proc/run-dir.js';
import type { FaultVerb, NodeInfo } from '../types.js';
import { processFault } from './process-fault.js';
import { builtFile } from '../util/project-root.js';
import { SERVICE_PORTS } from '../balancer/balancer.js';

export interface StandinNodeSpec {
  name: string;
  ip: string;
  redis: { host: string; port: number };
  trustProxy: boolean;
  heartbeatMs: number;
  tls?: { cert: string; key: string; ca?: string };
}

export class LocalStandinNode {
  private proc: ManagedProcess | undefined;
  private generation = 0;

  constructor(
    readonly spec: StandinNodeSpec,
    private readonly runDir: RunDir,
  ) {}

  /** The running node process (undefined once it exited). */
  get pid(): number | undefined {
    return this.proc?.exited ? undefined : this.proc?.pid;
  }

  info(): NodeInfo {
    const mqtt = { host: this.spec.ip, port: SERVICE_PORTS.mqtt };
    const http = { host: this.spec.ip, port: SERVICE_PORTS.http };
    const tls = this.spec.tls
      ? {
          mqtts: { host: this.spec.ip, port: SERVICE_PORTS.mqtts },
          wss: { host: this.spec.ip, port: SERVICE_PORTS.wss },
        }
      : {};
    return {
      name: this.spec.name,
      brokerNode: this.spec.name,
      mqtt,
      http,
      ws: { host: this.spec.ip, port: SERVICE_PORTS.ws },
      ...tls,
      upstreamMqtt: mqtt,
      upstreamHttp: http,
    };
  }

  async start(): Promise<void> {
    const s = this.spec;
    const args = [
      builtFile('standin/node.js'),
      '--name',
      s.name,
      '--bind',
      s.ip,
      '--mqtt-port',
      String(SERVICE_PORTS.mqtt),
      '--http-port',
      String(SERVICE_PORTS.http),
      '--redis',
      `${s.redis.host}:${s.redis.port}`,
      '--heartbeat-ms',
      String(s.heartbeatMs),
      '--ws-port',
      String(SERVICE_PORTS.ws),
      ...(s.trustProxy ? ['--trust-proxy'] : []),
      ...(s.tls
        ? [
            '--tls-port',
            String(SERVICE_PORTS.mqtts),
            '--tls-cert',
            s.tls.cert,
            '--tls-key',
            s.tls.key,
            ...(s.tls.ca ? ['--tls-ca', s.tls.ca] : []),
            '--wss-port',
            String(SERVICE_PORTS.wss),
          ]
        : []),
    ];
    const name = this.generation++ === 0 ? s.name : `${s.name}-restart${this.generation - 1}`;
    this.proc = new ManagedProcess({ name, command: process.execPath, args }, this.runDir);
    await this.proc.start();
    await this.proc.waitForLine(/^READY /, 15_000);
  }

  async fault(verb: FaultVerb): Promise<void> {
    return processFault(this.spec.name, this.proc, verb, {
      stopMs: 5000,
      restart: () => this.start(),
    });
  }

  async stop(): Promise<void> {
    await this.proc?.stop(3000);
  }
}
