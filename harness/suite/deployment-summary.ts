import type { Deployment } from '../types.js';
import type { DeploymentSummary } from '../report/summary-types.js';

export function summarizeDeployment(d: Deployment): DeploymentSummary {
  const endpoints: Record<string, string> = {};
  const e = d.endpoints;
  endpoints.mqtt = `mqtt://${e.mqtt.host}:${e.mqtt.port}`;
  if (e.mqtts) endpoints.mqtts = `mqtts://${e.mqtts.host}:${e.mqtts.port}`;
  if (e.ws) endpoints.ws = `ws://${e.ws.host}:${e.ws.port}/mqtt`;
  if (e.wss) endpoints.wss = `wss://${e.wss.host}:${e.wss.port}/mqtt`;
  if (e.dashboard) endpoints.dashboard = `http://${e.dashboard.host}:${e.dashboard.port}`;
  if (e.balancerAdmin) endpoints[e.balancerAdmin.kind] = e.balancerAdmin.address;
  for (const [name, f] of Object.entries(e.frontends))
    endpoints[`frontend ${name}`] = `${f.host}:${f.port}${f.tls ? ' (TLS)' : ''}`;
  // The balancer's upstreams go through the fault hop (profile `faults.hop`): its listeners and admin API.
  if (d.faultHop) endpoints['fault hop'] = d.faultHop;
  return {
    runtime: d.runtime,
    broker: {
      kind: d.brokerKind,
      version: d.brokerVersion,
      nodes: d.nodes.map((n) => {
        const rssBytes = d.clusterStart?.rssBytes?.[n.name];
        return {
          name: n.name,
          mqtt: `${n.mqtt.host}:${n.mqtt.port}`,
          http: `${n.http.host}:${n.http.port}`,
          ...(rssBytes !== undefined ? { rssBytes } : {}),
        };
      }),
      capabilities: { ...d.capabilities },
      ...(d.clusterStart ? { startMs: d.clusterStart.ms } : {}),
    },
    balancer: {
      kind: d.balancer.kind,
      version: d.balancer.version,
      configFile: d.balancer.configFile,
      config: d.balancer.configAsRun,
      mapping: d.balancer.mapping.map((m) => ({ ...m })),
      ...(d.balancer.machineFit
        ? { machineFit: { ...d.balancer.machineFit, rewrites: d.balancer.machineFit.rewrites.map((r) => ({ ...r })) } }
        : {}),
      ...(d.balancer.addressRewrites?.length
        ? { addressRewrites: d.balancer.addressRewrites.map((r) => ({ ...r })) }
        : {}),
    },
    endpoints,
    startup_ms: d.startupMs,
    ...(d.startupFindings?.length ? { startup_findings: d.startupFindings.map((f) => ({ ...f })) } : {}),
  };
}
