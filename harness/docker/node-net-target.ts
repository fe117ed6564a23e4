/** Where a docker node's network faults apply: its container's network namespace and, once set, its link peer. */
import type { StartedNetwork } from 'testcontainers';
import type { NodeName } from '../types.js';
import type { NodePorts } from './brokers/types.js';
import { docker } from './engine.js';
import type { NodeNetTarget } from '../netfault/netfilter-mechanism.js';

/** The container whose link to each node network faults cut (the balancer's). */
export interface LinkPeer {
  containerName: string;
  label: string;
}

/** The link peer's current address on the run network (looked up per fault: a restart may move it). */
async function peerAddress(linkPeer: LinkPeer | undefined, network: StartedNetwork): Promise<NodeNetTarget['peer']> {
  if (!linkPeer) return undefined;
  const { containerName, label } = linkPeer;
  const info = await docker().getContainer(containerName).inspect();
  const address = info.NetworkSettings.Networks[network.getName()]?.IPAddress;
  if (!address)
    throw new Error(`${label}'s container ${containerName} has no address on ${network.getName()} (not running?)`);
  return { address, label };
}

/**
 * The node container's namespace (by its current pid: a restart makes a new one); its link to the balancer once
 * there is one (linkPeer), else its MQTT listener ports from any source.
 */
export async function containerNetTarget(
  node: NodeName,
  containerId: string,
  p: NodePorts,
  linkPeer: LinkPeer | undefined,
  network: StartedNetwork,
): Promise<NodeNetTarget> {
  const st = (await docker().getContainer(containerId).inspect()).State as { Pid: number; Running: boolean };
  if (!st.Running || !st.Pid) throw new Error(`${node}'s container is not running: no network namespace to fault`);
  const ports = [p.mqtt, p.directMqtt, p.mqtts, p.ws, p.wss].filter((x): x is number => x !== undefined);
  const peer = await peerAddress(linkPeer, network);
  return {
    node,
    ports: [...new Set(ports)],
    ...(peer ? { peer } : {}),
    iface: 'eth0',
    ns: {
      key: `pid:${st.Pid}`,
      label: `${node}'s container namespace`,
      prefix: ['nsenter', '-t', String(st.Pid), '-n'],
    },
  };
}
