/**
 * Client-id stickiness: the same client id reconnecting (each time from another source address)
 * lands on the same node every time; and the 32-character trap of truncated stick-table keys.
 */
import type { Finding } from '../../report/summary-types.js';
import type { BalancerFacts } from '../../facts.js';
import { byBalancer, judgedByFindings } from '../../suite/scenario-def.js';
import { evaluate } from '../evaluate.js';
import { measureSpread, releaseSpread, repeatPlacement } from '../spread.js';
import { MAX_SOURCE_ADDRESSES, sourceAddress } from '../connect.js';
import { countByNode } from '../observe.js';
import { connectFailures, noVerdict, stickinessHeld } from '../findings.js';
import { affinityBroken, truncatedStickKeys } from '../scenario-findings.js';
import { algorithmOf, nodeNames, range, type FairnessScenarioDef } from './context.js';
import { viewUnlessPassive } from '../../needs.js';

/** Why a config without client-id stickiness has none to verify, or false. */
export function notSticky(f: BalancerFacts): string | false {
  return (
    !f.mqttBackend.clientIdStickiness?.value &&
    algorithmOf(f) !== 'clientid' &&
    `backend ${f.mqttBackend.name} has no stickiness on the MQTT client id ` +
      `(no \`stick on … mqtt_field_value(connect,client_identifier)\`, no TS-proxy \`balance: clientid\`)`
  );
}

export const clientIdStickiness: FairnessScenarioDef = {
  name: 'client-id stickiness',
  title: 'client-id stickiness: the same client id reconnecting lands on the same node every time',
  // passive checks only: every server counts as up, the nodes' own counts are the ground truth
  needs: viewUnlessPassive(['balancer-facts']),
  timeoutMs: 120_000,
  skip: byBalancer(notSticky),
  async run({ deployment: d, pool, settings, runId, expected }) {
    const backend = d.balancerFacts.mqttBackend;
    const exp = await expected();
    const prefix = `fc-${runId}-`;
    const ids = range(settings.stickinessIds).map((i) => `${prefix}${i}`);
    const rounds = settings.affinityRounds;
    // Each reconnect comes from another source address, so the source cannot explain the stickiness.
    const { seen, failures } = await repeatPlacement(
      d,
      pool,
      prefix,
      ids,
      rounds,
      (id, round) => ({
        clientId: id,
        localAddress: sourceAddress(ids.indexOf(id) * rounds + round, MAX_SOURCE_ADDRESSES),
      }),
      settings.concurrency,
    );
    const broken = [...seen].filter(([, nodes]) => new Set(nodes).size > 1);
    const counts = countByNode(
      new Map([...seen].filter(([, n]) => n.length).map(([id, n]) => [id, n[0]!])),
      nodeNames(d),
    );
    const ev = evaluate({
      algorithm: algorithmOf(d.balancerFacts),
      counts,
      shares: exp.shares,
      criteria: settings.criteria,
      reportOnly: true,
    });
    // The 32-character trap: long ids that differ only after character 32.
    const longPrefix = `fl-${runId}-`.padEnd(32, 'x');
    const longIds = range(12).map((i) => `${longPrefix}-${i}`);
    // One at a time, so each finds the table entry its predecessor stored.
    const longSpecs = longIds.map((id, i) => ({
      clientId: id,
      localAddress: sourceAddress(i * 7, MAX_SOURCE_ADDRESSES),
    }));
    const long = await measureSpread(d, pool, longPrefix, longSpecs, 1);
    await releaseSpread(d, long.clients.values());
    const longNodes = new Set(long.placement.values());
    const metrics = {
      ...ev.metrics,
      ids: ids.length,
      rounds,
      sticky: (ids.length - broken.length) / ids.length,
      longIdNodes: [...longNodes],
      countsAre: 'client ids per node (first connect)',
    };
    const findings: Finding[] = [];
    findings.push(...noVerdict(ev));
    if (failures.length || long.failures.length)
      findings.push(connectFailures([...failures, ...long.failures], ids.length * rounds + longIds.length));
    if (broken.length) findings.push(affinityBroken('client id', broken, ids.length, backend, d.balancerFacts.file));
    else findings.push(stickinessHeld(ids.length, rounds));
    if (longNodes.size === 1 && exp.up.length > 1 && long.placement.size > 1)
      findings.push(truncatedStickKeys(long.placement.size, [...longNodes][0]!, backend, d.balancerFacts.file));
    return judgedByFindings(metrics, findings);
  },
};
