/**
 * What starts agents: local child processes, docker containers on the run's network, or a Kubernetes Indexed Job.
 * A launcher says where the controller must listen so its agents can reach it, starts `count` agents that dial
 * back, and removes them at the end; an agent that dies before it said hello is reported so the controller fails
 * fast instead of waiting for its deadline.
 */
import type { LoadPlan } from '../../load/plan.js';

export type LauncherKind = 'local' | 'docker' | 'kubernetes';

export interface LaunchSpec {
  count: number;
  /** The address agents dial (the controller's listening port on an address they can route to). */
  controller: { host: string; port: number };
  token: string;
  /** Each agent's hard time bound. */
  maxMs: number;
}

export interface Launcher {
  readonly kind: LauncherKind;
  /** Where the controller listens (bind address) and the host agents should dial (may differ: 0.0.0.0 vs a name). */
  controllerAddress(): Promise<{ bind: string; advertise: string }>;
  /** The plan as the agents must see it (docker: the balancer's in-network address, no loopback source pool). */
  agentPlan?(plan: LoadPlan): LoadPlan;
  launch(spec: LaunchSpec, onExit: (index: number, why: string) => void): Promise<void>;
  /** Removes every agent it started (they also stop by themselves when the control connection closes). */
  stop(): Promise<void>;
}

/** The agent's command line after the program (`mqtt-lb`): the token travels in MQTT_LB_AGENT_TOKEN. */
export function agentArgs(spec: LaunchSpec, index: number | undefined): string[] {
  return [
    'agent',
    '--controller',
    `${spec.controller.host}:${spec.controller.port}`,
    ...(index === undefined ? [] : ['--index', String(index)]),
    '--max-s',
    String(Math.ceil(spec.maxMs / 1000)),
  ];
}

export const TOKEN_ENV = 'MQTT_LB_AGENT_TOKEN';
