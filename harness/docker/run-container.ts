/**
 * Starting one container of a run: on the run network with its aliases, labelled with the run id, named
 * `mqtt-lb-<runId>-<name>`, its ports published on fixed free 127.0.0.1 ports (so a restarted container keeps its
 * host ports), logs teed to the run directory, and the last log lines quoted when it fails to start.
 */
import './env.js';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { StartedNetwork, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { NetContainer, PUBLISH_HOST } from './net-container.js';
import { containerLogs, docker } from './engine.js';
import { freePort } from '../net/ports.js';
import type { RunDir } from '../proc/run-dir.js';
import type { ContainerFile } from './brokers/types.js';

export interface ContainerSpec {
  /** Short name within the run (node1, redis, haproxy). */
  name: string;
  image: string;
  aliases: string[];
  hostname?: string;
  entrypoint?: string[];
  command?: string[];
  env?: Record<string, string>;
  files?: ContainerFile[];
  directories?: { source: string; target: string }[];
  /** Container ports to publish (each on its own fixed 127.0.0.1 port). */
  ports: number[];
  /** `/etc/hosts` entries (alias → IP), e.g. node aliases for a balancer that must resolve them while a node is down. */
  extraHosts?: { host: string; ipAddress: string }[];
  /** Open-files limit (`--ulimit nofile=N:N`), e.g. for a balancer config sized for many connections. */
  nofile?: number;
  wait: WaitStrategy;
}

export interface RunContainer {
  readonly id: string;
  readonly name: string;
  readonly containerName: string;
  /** Host port (on 127.0.0.1) of a published container port. */
  hostPort(containerPort: number): number;
  /** The container's address on the run network. */
  ipAddress(): string;
  started: StartedTestContainer;
}

/** Keeps the event loop alive while testcontainers waits (its log streams are unref()'d: testcontainers.md §4). */
export async function keepingAlive<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 60_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

const PORT_CLASH = /port is already allocated|address already in use|bind for .* failed/i;

export async function startRunContainer(
  spec: ContainerSpec,
  network: StartedNetwork,
  runDir: RunDir,
): Promise<RunContainer> {
  const containerName = `mqtt-lb-${runDir.runId}-${spec.name}`;
  const log = createWriteStream(runDir.logFile(`docker-${spec.name}`), { flags: 'a' });
  const tail: string[] = [];
  const consume = (stream: Readable): void => {
    const onData = (chunk: Buffer | string): void => {
      const text = String(chunk);
      log.write(text);
      tail.push(...text.split('\n').filter(Boolean));
      if (tail.length > 50) tail.splice(0, tail.length - 50);
    };
    const onEnd = (): void => void log.end();
    stream.on('data', onData);
    stream.once('end', onEnd);
  };
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const hostPorts = new Map<number, number>();
    for (const p of spec.ports) hostPorts.set(p, await freePort(PUBLISH_HOST));
    const c = new NetContainer(spec.image, network, spec.aliases, runDir.runId)
      .withName(containerName)
      .withEnvironment(spec.env ?? {})
      .withExposedPorts(...spec.ports.map((p) => ({ container: p, host: hostPorts.get(p)! })))
      .withWaitStrategy(spec.wait)
      .withStartupTimeout(spec.wait.getStartupTimeout())
      .withLogConsumer(consume);
    if (spec.hostname) c.withHostname(spec.hostname);
    if (spec.entrypoint) c.withEntrypoint(spec.entrypoint);
    if (spec.command) c.withCommand(spec.command);
    if (spec.extraHosts?.length) c.withExtraHosts(spec.extraHosts);
    if (spec.nofile) c.withUlimits({ nofile: { soft: spec.nofile, hard: spec.nofile } });
    const contents = (spec.files ?? []).flatMap((f) =>
      'content' in f ? [{ content: f.content, target: f.target, mode: f.mode }] : [],
    );
    const files = (spec.files ?? []).flatMap((f) =>
      'source' in f ? [{ source: f.source, target: f.target, mode: f.mode }] : [],
    );
    if (contents.length) c.withCopyContentToContainer(contents);
    if (files.length) c.withCopyFilesToContainer(files);
    if (spec.directories?.length) c.withCopyDirectoriesToContainer(spec.directories);
    try {
      const started = await keepingAlive(() => c.start());
      return {
        id: started.getId(),
        name: spec.name,
        containerName,
        started,
        hostPort: (p) => {
          const hp = hostPorts.get(p);
          if (hp === undefined) throw new Error(`${spec.name}: container port ${p} is not published`);
          return hp;
        },
        ipAddress: () => started.getIpAddress(network.getName()),
      };
    } catch (err) {
      lastError = err as Error;
      const leftover = await docker()
        .getContainer(containerName)
        .inspect()
        .catch(() => undefined); // no container left behind: quote the tail captured so far
      const logs = leftover ? await containerLogs(leftover.Id, 30) : tail.join('\n');
      // testcontainers may report an exited container as a port-binding timeout: say that it exited, and how
      const exited =
        leftover && !leftover.State.Running && !/exited/i.test(lastError.message)
          ? ` (the container exited with code ${leftover.State.ExitCode})`
          : '';
      await docker()
        .getContainer(containerName)
        .remove({ force: true, v: true })
        .catch(() => undefined); // already gone; the start error below is what matters
      if (PORT_CLASH.test(lastError.message) && attempt < 3) continue;
      throw new Error(
        `container ${spec.name} (${spec.image}) did not start: ${lastError.message.split('\n')[0]}${exited}${logs.trim() ? `\n  last log lines:\n    ${logs.trim().split('\n').slice(-15).join('\n    ')}` : ''}`,
      );
    }
  }
  throw lastError ?? new Error(`container ${spec.name} did not start`);
}
