/**
 * Any balancer kind as a local child process: the user's config mapped onto the run's loopback block (upstreams →
 * node IPs, binds → the balancer's address, keeping their port when free), written to the run directory, validated,
 * launched with the kind's command line, awaited as the kind says, and reloaded with the kind's strategy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ManagedProcess } from '../proc/child.js';
import { ConfigError } from '../errors.js';
import { canBind, freePort } from '../net/ports.js';
import { endpointsFromBinds, type BalancerHandle, type BalancerStartSpec } from '../balancer/balancer.js';
import type { BalancerKind, MappedConfig, Placement } from '../balancer/kind.js';
import { describeMachineFit, hostMachineLimits } from '../balancer/machine-limits.js';
import { progress } from '../util/progress.js';
import { waitForNewPid } from '../balancer/reload-confirm.js';

/** A bind keeps its written port on `host` when that is free, else it moves to a free one. */
export async function placeOnLoopback(
  host: string,
  originalPort: number,
  used: Set<string>,
): Promise<{ host: string; port: number }> {
  if (!used.has(`${host}:${originalPort}`) && (await canBind(host, originalPort))) return { host, port: originalPort };
  for (let i = 0; i < 20; i++) {
    const port = await freePort(host);
    if (!used.has(`${host}:${port}`)) return { host, port };
  }
  throw new Error(`no free port on ${host}`);
}

/** The local placement: nodes by their IPs, binds and the admin interface on `spec.bindHost`, sockets in the run dir. */
export function localPlacement(kind: BalancerKind, spec: BalancerStartSpec): Placement {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  return {
    nodeNames: spec.nodes.map((n) => n.name),
    explicit: spec.explicitMap,
    resolve: (node, port) => ({ host: byName.get(node)!.upstreamMqtt.host, port }),
    placeBind: (port, used) => placeOnLoopback(spec.bindHost, port, used),
    admin: {
      host: spec.bindHost,
      port: () => freePort(spec.bindHost),
      socket: (name) => spec.runDir.file(kind.name, name),
    },
    runDir: spec.runDir.dir(kind.name),
    ...(spec.tls ? { tls: spec.tls } : {}),
    machine: hostMachineLimits(),
  };
}

/** A ConfigError that names a line but not the file gets the user's config file. */
function withConfigFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError && !err.file) throw new ConfigError(err.message, file, err.line, err.fix);
    throw err;
  }
}

export async function startBalancerProcess(kind: BalancerKind, spec: BalancerStartSpec): Promise<BalancerHandle> {
  const recipe = kind.process;
  const version = await recipe.version();
  const mapped: MappedConfig = await kind.map(
    readFileSync(spec.configFile, 'utf8'),
    spec.configFile,
    localPlacement(kind, spec),
  );
  const cfgFile = spec.runDir.file(kind.name, recipe.configName);
  writeFileSync(cfgFile, mapped.text);
  await recipe.validate?.(cfgFile, spec.configFile);
  const fitted = mapped.machineFit && describeMachineFit(kind.title, mapped.machineFit);
  if (fitted) progress(fitted);
  const admin = kind.adminAddress(mapped);
  // Before launching: a config without a usable MQTT frontend is refused without leaving a process behind.
  const endpoints = withConfigFile(spec.configFile, () =>
    endpointsFromBinds(mapped.binds, mapped.mapping, { kind: kind.adminEndpoint, address: admin }, spec.configFile),
  );

  const processes: ManagedProcess[] = [];
  const launch = async (extra: string[], why = 'reload'): Promise<ManagedProcess> => {
    const line = recipe.launch(cfgFile);
    const p = new ManagedProcess(
      {
        name: `${kind.name}${processes.length ? `-${why}${processes.length}` : ''}`,
        command: line.command,
        ...(line.aptPackage ? { aptPackage: line.aptPackage } : {}),
        args: [...line.args, ...extra],
      },
      spec.runDir,
    );
    processes.push(p);
    await p.start();
    const ready = recipe.ready;
    if (ready === 'probe') {
      await p
        .waitReady(
          async () => (await kind.probe(admin, mapped))?.pid === p.pid,
          15_000,
          `answer on the ${kind.adminTitle}`,
        )
        .catch((err: Error) => {
          throw kind.explainStartFailure(err, mapped, spec.configFile, 'process');
        });
    } else {
      try {
        for (const re of ready.logLines(mapped)) await p.waitForLine(re, 15_000);
      } catch (err) {
        throw kind.explainStartFailure(err as Error, mapped, spec.configFile, 'process');
      }
    }
    await recipe.afterStart?.(admin, mapped, spec.configFile);
    return p;
  };
  await launch([]);

  const reload = recipe.reload;
  const rewrites = kind.addressRewrites?.(mapped) ?? [];
  return {
    info: {
      kind: kind.name,
      version,
      configFile: spec.configFile,
      configAsRun: mapped.text,
      mapping: mapped.mapping,
      ...(mapped.machineFit ? { machineFit: mapped.machineFit } : {}),
      ...(rewrites.length ? { addressRewrites: rewrites } : {}),
    },
    view: kind.view(admin, mapped),
    facts: kind.facts(mapped, spec.configFile),
    endpoints,
    async reload() {
      if ('respawn' in reload) {
        const old = processes.filter((p) => !p.exited).map((p) => String(p.pid));
        await launch(reload.respawn(old, admin));
        return;
      }
      const proc = processes.at(-1)!;
      const confirm = reload.confirm;
      const mark = proc.lineCount;
      const before = 'newPid' in confirm ? await kind.probe(admin, mapped) : undefined;
      if (!proc.signal(reload.signal)) throw new Error(`${kind.title} is not running; cannot reload`);
      if ('logLine' in confirm) {
        const line = await proc.waitForLine(confirm.logLine, confirm.timeoutMs, mark);
        if (confirm.failed.test(line)) throw new Error(`${kind.title} reload failed: ${line}`);
        return;
      }
      await waitForNewPid(kind, admin, mapped, before, confirm);
    },
    async fault(verb) {
      if (verb === 'kill') {
        await Promise.all(processes.filter((p) => !p.exited).map((p) => p.kill()));
        return;
      }
      if (processes.some((p) => !p.exited)) return;
      await launch([], 'restart');
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop(recipe.stopGraceMs)));
    },
  };
}
