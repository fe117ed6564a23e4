/** One RabbitMQ node (`rabbitmq-server` with the MQTT and management plugins) as a local child process, with the fault verbs. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ManagedProcess } from '../../proc/child.js';
import type { RunDir } from '../../proc/run-dir.js';
import type { FaultVerb, NodeInfo } from '../../types.js';
import { processFault } from '../process-fault.js';
import { canConnect } from '../../net/ports.js';
import { ENABLED_PLUGINS, RABBIT_PORTS, erlangNodeName, rabbitConf, rabbitEnv, type RabbitNodeSpec } from './conf.js';

/** Debian's server script, run directly (the /usr/sbin wrapper changes directory and user); env overrides it. */
export const RABBITMQ_SERVER = process.env.MQTT_LB_RABBITMQ_SERVER ?? '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** A node boots in 20–30 s alone and up to ~60 s while its peers boot on 2 busy cores. */
export const RABBIT_BOOT_MS = 120_000;

export class LocalRabbitNode {
  private proc: ManagedProcess | undefined;
  private generation = 0;

  constructor(
    readonly spec: RabbitNodeSpec,
    private readonly runDir: RunDir,
  ) {}

  get logPath(): string | undefined {
    return this.proc?.logPath;
  }

  get pid(): number | undefined {
    return this.proc?.exited ? undefined : this.proc?.pid;
  }

  info(): NodeInfo {
    const mqtt = { host: this.spec.ip, port: RABBIT_PORTS.mqtt };
    const http = { host: this.spec.ip, port: RABBIT_PORTS.management };
    return {
      name: this.spec.name,
      brokerNode: erlangNodeName(this.spec.index),
      mqtt,
      http,
      upstreamMqtt: mqtt,
      upstreamHttp: http,
    };
  }

  /** Writes the node's files (once) and spawns it; resolves when spawned (readiness: waitListening). */
  async spawn(): Promise<void> {
    const s = this.spec;
    if (this.generation === 0) {
      mkdirSync(path.join(s.dir, 'home'), { recursive: true });
      const cookie = path.join(s.dir, 'home', '.erlang.cookie');
      writeFileSync(cookie, s.cookie, { mode: 0o400 });
      chmodSync(cookie, 0o400);
      writeFileSync(path.join(s.dir, 'rabbitmq.conf'), rabbitConf(s));
      writeFileSync(path.join(s.dir, 'enabled_plugins'), ENABLED_PLUGINS);
    }
    const name = this.generation++ === 0 ? s.name : `${s.name}-restart${this.generation - 1}`;
    this.proc = new ManagedProcess(
      { name, command: RABBITMQ_SERVER, args: [], env: rabbitEnv(s), aptPackage: 'rabbitmq-server' },
      this.runDir,
    );
    await this.proc.start();
  }

  /** Waits (bounded) until the node's MQTT and management listeners accept connections. */
  async waitListening(timeoutMs = RABBIT_BOOT_MS): Promise<void> {
    const p = this.proc;
    if (!p) throw new Error(`${this.spec.name} was never started`);
    const { ip } = this.spec;
    await p.waitReady(
      async () => (await canConnect(ip, RABBIT_PORTS.mqtt, 300)) && canConnect(ip, RABBIT_PORTS.management, 300),
      timeoutMs,
      `MQTT ${ip}:${RABBIT_PORTS.mqtt} and management ${ip}:${RABBIT_PORTS.management} to listen`,
    );
  }

  async fault(verb: FaultVerb): Promise<void> {
    // stop: SIGTERM makes the server script stop RabbitMQ gracefully (≈6.5 s measured); SIGKILL after 15 s.
    return processFault(this.spec.name, this.proc, verb, {
      stopMs: 15_000,
      restart: async () => {
        await this.spawn();
        await this.waitListening();
      },
    });
  }

  async stop(): Promise<void> {
    await this.proc?.kill().catch(() => this.proc?.stop(1000));
  }
}
