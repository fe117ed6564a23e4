/**
 * Containers and networks that belong to one run, on one user-defined network with DNS aliases set when the
 * container is created (testcontainers.md §3: 12.0.4's `withNetworkAliases` creates on `bridge` and connects the
 * user network afterwards, so peers would talk over `bridge` and a disconnect would move published ports there).
 * Published ports are bound on 127.0.0.1 only.
 */
import './env.js';
import { randomBytes } from 'node:crypto';
import { GenericContainer, StartedNetwork, getContainerRuntimeClient } from 'testcontainers';
import { runLabels } from './engine.js';

/** Host address published ports are bound to: test traffic stays on loopback. */
export const PUBLISH_HOST = '127.0.0.1';

export class NetContainer extends GenericContainer {
  /**
   * @param image    local image name (never pulled when present)
   * @param network  the run's network (see `startRunNetwork`)
   * @param aliases  DNS names on that network (re-pass them on reconnect after a partition)
   * @param runId    labels the container with `mqtt-lb.run=<runId>` for sweeping
   */
  constructor(
    image: string,
    readonly network: StartedNetwork,
    readonly aliases: readonly string[],
    readonly runId: string,
  ) {
    super(image);
    this.withNetwork(network);
    this.withLabels(runLabels(runId));
  }

  protected override async beforeContainerCreated(): Promise<void> {
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [this.network.getName()]: { Aliases: [...this.aliases] } },
    };
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as {
      HostIp?: string;
      HostPort?: string;
    }[][]) {
      for (const b of bindings) b.HostIp ??= PUBLISH_HOST;
    }
  }
}

/**
 * A user-defined bridge network labelled with the run id (testcontainers' `Network` cannot take labels), usable
 * wherever testcontainers expects a `StartedNetwork`. Name: `mqtt-lb-<runId>-<6 hex>` unless given.
 */
export async function startRunNetwork(
  runId: string,
  opts: { name?: string; internal?: boolean } = {},
): Promise<StartedNetwork> {
  const client = await getContainerRuntimeClient();
  const name = opts.name ?? `mqtt-lb-${runId}-${randomBytes(3).toString('hex')}`;
  const network = await client.network.create({
    Name: name,
    CheckDuplicate: true,
    Driver: 'bridge',
    Internal: opts.internal ?? false,
    Attachable: false,
    Ingress: false,
    EnableIPv6: false,
    Labels: { 'org.testcontainers': 'true', ...runLabels(runId) },
  });
  return new StartedNetwork(client, name, network);
}
