/** TS-proxy (proxy/, built to dist/proxy/main.js) as a local child process, with the user's config mapped. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ManagedProcess } from '../../proc/child.js';
import { freePort } from '../../net/ports.js';
import { builtFile } from '../../util/project-root.js';
import { endpointsFromBinds, type BalancerHandle, type BalancerStartSpec } from '../balancer.js';
import { placeOnLoopback } from '../haproxy/local.js';
import { mapTsProxyConfig } from './map-config.js';
import { tsProxyFacts } from './facts.js';
import { TsProxyView } from './admin-view.js';
import { TS_PROXY_VERSION } from '../../../proxy/version.js';

export async function startLocalTsProxy(spec: BalancerStartSpec): Promise<BalancerHandle> {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  const mapped = await mapTsProxyConfig(readFileSync(spec.configFile, 'utf8'), spec.configFile, {
    nodeNames: spec.nodes.map((n) => n.name),
    explicit: spec.explicitMap,
    resolve: (node, port) => ({ host: byName.get(node)!.upstreamMqtt.host, port }),
    placeBind: (port, used) => placeOnLoopback(spec.bindHost, port, used),
    placeAdmin: async () => ({ host: spec.bindHost, port: await freePort(spec.bindHost) }),
    tls: spec.tls,
  });
  const cfgFile = spec.runDir.file('ts-proxy', 'ts-proxy.yaml');
  writeFileSync(cfgFile, mapped.text);
  const proc = new ManagedProcess(
    { name: 'ts-proxy', command: process.execPath, args: [builtFile('proxy/main.js'), '--config', cfgFile] },
    spec.runDir,
  );
  await proc.start();
  for (const b of mapped.binds)
    await proc.waitForLine(new RegExp(`"event":"listening".*"frontend":"${b.frontend}"`), 15_000);
  await proc.waitForLine(/"event":"listening".*"frontend":"admin"/, 15_000);
  const adminBase = `http://${mapped.admin.host}:${mapped.admin.port}`;
  return {
    info: {
      kind: 'ts-proxy',
      version: TS_PROXY_VERSION,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
    },
    view: new TsProxyView(adminBase, mapped.admin.token, mapped.mapping),
    facts: tsProxyFacts(mapped.config, mapped.mapping, spec.configFile),
    endpoints: endpointsFromBinds(mapped.binds, mapped.mapping, { kind: 'ts-proxy-admin', address: adminBase }),
    async reload() {
      const mark = proc.lineCount;
      if (!proc.signal('SIGHUP')) throw new Error('TS-proxy is not running; cannot reload');
      const line = await proc.waitForLine(/"event":"(reloaded|reload-failed)"/, 10_000, mark);
      if (line.includes('reload-failed')) throw new Error(`TS-proxy reload failed: ${line}`);
    },
    async stop() {
      await proc.stop(3000);
    },
  };
}
