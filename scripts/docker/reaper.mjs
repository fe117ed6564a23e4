#!/usr/bin/env node
// A run's reaper (the harness's own Ryuk, no image needed): started detached by the docker runtime with an IPC
// channel to the process that owns the run. When that channel closes — the owner exited, crashed, was SIGKILLed, or
// died of a SIGINT it could not handle (Jest's sandboxed `process` never receives signals) — it removes every
// container and network labelled mqtt-lb.run=<runId>. A normal stop removes them first and then kills the reaper.
// Usage (by the harness): node scripts/docker/reaper.mjs <runId>
import { sweepRuns } from './sweep-run.mjs';

const runId = process.argv[2];
if (!runId || typeof process.send !== 'function') {
  console.error('usage: reaper.mjs <runId>  (spawned with an IPC channel by the harness)');
  process.exit(2);
}
let sweeping = false;
async function onOwnerGone() {
  if (sweeping) return;
  sweeping = true;
  await sweepRuns([runId]);
  process.exit(0);
}
process.on('disconnect', onOwnerGone);
// Ctrl-C reaches the owner's process group, not ours (detached); a stray SIGTERM/SIGINT still sweeps first.
process.on('SIGINT', onOwnerGone);
process.on('SIGTERM', onOwnerGone);
process.send('ready');
