#!/usr/bin/env node
// Remove every container (force, with volumes) and then every network labelled mqtt-lb.run=<runId>.
// Called synchronously (spawnSync) from a SIGINT/SIGTERM handler, where the harness's own event loop may not run
// again; two passes, so a container whose create request was in flight at the signal is caught too.
// Usage: node scripts/docker/sweep-run.mjs <runId> [<runId>...]   Honours DOCKER_HOST like the harness (dockerode).
import Docker from 'dockerode';

const runIds = process.argv.slice(2);
if (!runIds.length) {
  console.error('usage: sweep-run.mjs <runId>...');
  process.exit(2);
}
const docker = new Docker({ timeout: 10_000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function pass(runId) {
  const filters = { label: [`mqtt-lb.run=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  return containers.length + networks.length;
}

let removed = 0;
for (const round of [1, 2]) {
  for (const id of runIds) removed += await pass(id).catch(() => 0);
  if (round === 1) await sleep(300);
}
console.log(`removed ${removed} container(s)/network(s)`);
