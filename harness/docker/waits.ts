/**
 * Start waits: the kinds' WaitSpec data as testcontainers strategies, and a probe wait (poll a readiness check on
 * the published ports, fail fast when the container exits) for balancers, whose logs say nothing when ready.
 */
import './env.js';
import type Dockerode from 'dockerode';
import { Wait, type BoundPorts, type WaitStrategy } from 'testcontainers';
import type { WaitSpec } from './brokers/types.js';
import { delay } from '../util/wait.js';

export function waitStrategyOf(spec: WaitSpec): WaitStrategy {
  if (spec.kind === 'log') return Wait.forLogMessage(spec.pattern).withStartupTimeout(spec.timeoutMs);
  return Wait.forHttp(spec.path, spec.port, { abortOnContainerExit: true })
    .forStatusCode(spec.status)
    .withStartupTimeout(spec.timeoutMs);
}

/** Resolves when `probe` answers true; rejects when the container stops running or the timeout passes. */
export class ProbeWaitStrategy implements WaitStrategy {
  private timeoutMs = 30_000;
  private timeoutSet = false;

  constructor(
    private readonly what: string,
    private readonly probe: (ports: BoundPorts) => Promise<boolean>,
    private readonly intervalMs = 100,
  ) {}

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (let i = 0; ; i++) {
      if (await this.probe(boundPorts).catch(() => false)) return; // a failing probe means not ready yet
      if (i % 5 === 0) {
        const state = (await container.inspect()).State;
        if (!state.Running) throw new Error(`container exited (code ${state.ExitCode}) before ${this.what}`);
      }
      if (Date.now() >= deadline) throw new Error(`timed out after ${this.timeoutMs} ms waiting for ${this.what}`);
      await delay(this.intervalMs);
    }
  }

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}
