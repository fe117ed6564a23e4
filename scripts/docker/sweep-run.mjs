#!/usr/bin/env node
// Remove every container (force, with volumes) and then every network labelled mqtt-lb.run=<runId>.
// Two passes, so a container whose create request was in flight when the run died is caught too.
// Used by the harness's SIGINT/SIGTERM handler (spawnSync: its own event loop may not run again) and by
// reaper.mjs. Usage: node scripts/docker/sweep-run.mjs <runId> [<runId>...]   Honours DOCKER_HOST (dockerode).
import Docker from 'dockerode';
import { pathToFileURL } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function pass(docker, runId) {
  const filters = { label: [`mqtt-lb.run=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  for (const n of networks)
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  return containers.length + networks.length;
}

/** Removes what the runs left; resolves with the number of containers + networks found. Never throws. */
export async function sweepRuns(runIds) {
  const docker = new Docker({ timeout: 10_000 });
  let removed = 0;
  for (const round of [1, 2]) {
    for (const id of runIds) removed += await pass(docker, id).catch(() => 0);
    if (round === 1) await sleep(300);
  }
  return removed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runIds = process.argv.slice(2);
  if (!runIds.length) {
    console.error('usage: sweep-run.mjs <runId>...');
    process.exit(2);
  }
  console.log(`removed ${await sweepRuns(runIds)} container(s)/network(s)`);
}
