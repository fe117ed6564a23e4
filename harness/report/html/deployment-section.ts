/** Profile page: the deployment as it ran, capabilities, and the balancer config with its address mapping. */
import type { DeploymentSummary, Summary } from '../summary-types.js';
import { escapeHtml, formatDuration } from '../text.js';
import { configLineAnchor } from './anchors.js';
import { dataTable, keyValueTable, richText } from './components.js';
import { CONFIG_LEGEND, configPanel } from './config-panel.js';

const CAPABILITY_MEANINGS: Record<string, string> = {
  mqtt5: 'MQTT 5 protocol',
  sharedSubscriptions: '$share/group/topic subscriptions',
  sessionsSurviveNodeLoss: 'persistent sessions survive the loss of the node that held them',
  willsOfDeadNode: 'wills of clients connected to a killed node are published',
  queuesQos0Offline: 'QoS 0 messages are queued for offline persistent sessions',
  proxyHeaderOptional: 'a PROXY-protocol listener also accepts connections without the header',
};

const BROKER_NOTES: Record<string, string> = {
  standin:
    'The stand-in broker speaks MQTT 3.1.1 and keeps sessions and wills in Redis, so they survive a node kill — unlike EMQX CE, where a killed node’s sessions are lost. Session and will results do not carry over to EMQX.',
  emqx: 'EMQX CE: a killed node’s sessions are lost; clients must resubscribe after reconnecting.',
};

function capabilityValue(value: unknown): string {
  if (value === true) return '<span class="badge passed">yes</span>';
  if (value === false) return '<span class="badge skipped">no</span>';
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));
}

/** `notes` (a string array) is prose about the broker's semantics: a list under the table, not a table cell. */
function capabilityNotes(value: unknown): string {
  const notes = Array.isArray(value)
    ? value.filter((n): n is string => typeof n === 'string' && n.trim() !== '')
    : typeof value === 'string' && value
      ? [value]
      : [];
  if (notes.length === 0) return '';
  return `<h4>Notes on this broker</h4><ul class="notes">${notes.map((n) => `<li>${richText(n)}</li>`).join('')}</ul>`;
}

function capabilities(d: DeploymentSummary): string {
  const all = d.broker.capabilities ?? {};
  const caps = Object.entries(all).filter(([k]) => k !== 'notes');
  const note = BROKER_NOTES[d.broker.kind];
  const notes = capabilityNotes(all.notes);
  if (caps.length === 0 && !note && !notes) return '';
  const table = caps.length
    ? dataTable(
        ['Capability', 'Supported', 'Meaning'],
        caps.map(([k, v]) => [
          `<code>${escapeHtml(k)}</code>`,
          capabilityValue(v),
          escapeHtml(CAPABILITY_MEANINGS[k] ?? ''),
        ]),
      )
    : '';
  return `<h3>Broker capabilities</h3>${note ? `<p class="note">${escapeHtml(note)}</p>` : ''}${table}${notes}
<p class="note">A test that needs a capability this broker lacks is skipped with that reason.</p>`;
}

function overview(summary: Summary, d: DeploymentSummary): string {
  const endpoints = Object.entries(d.endpoints)
    .map(([k, v]) => `${escapeHtml(k)}: <code>${escapeHtml(v)}</code>`)
    .join('<br>');
  const left = keyValueTable([
    ['Profile', `<code>${escapeHtml(summary.run.profile)}</code>`],
    ['Runtime', escapeHtml(d.runtime)],
    ['Broker', `${escapeHtml(d.broker.kind)} ${escapeHtml(d.broker.version)} × ${d.broker.nodes.length} nodes`],
    ['Balancer', `${escapeHtml(d.balancer.kind)} ${escapeHtml(d.balancer.version)}`],
    ['Startup time', escapeHtml(formatDuration(d.startup_ms))],
    ...(d.broker.startMs !== undefined
      ? [['Cluster start', escapeHtml(formatDuration(d.broker.startMs))] as [string, string]]
      : []),
    ['Endpoints', endpoints || '—'],
  ]);
  const rss = d.broker.nodes.some((n) => n.rssBytes !== undefined);
  const nodes = dataTable(
    ['Node', 'MQTT address', 'HTTP API', ...(rss ? ['Memory at start (RSS)'] : [])],
    d.broker.nodes.map((n) => [
      escapeHtml(n.name),
      `<code>${escapeHtml(n.mqtt)}</code>`,
      `<code>${escapeHtml(n.http)}</code>`,
      ...(rss ? [n.rssBytes === undefined ? '—' : `${Math.round(n.rssBytes / 2 ** 20)} MB`] : []),
    ]),
  );
  return `<div class="grid2"><div>${left}</div><div>${nodes}</div></div>`;
}

function mappingTable(d: DeploymentSummary): string {
  if (d.balancer.mapping.length === 0) return '<p class="note">No upstream addresses needed mapping.</p>';
  return dataTable(
    ['Backend', 'Server', 'Original address', '#Line', 'Node', 'Mapped address'],
    d.balancer.mapping.map((m) => [
      escapeHtml(m.backend),
      escapeHtml(m.server),
      `<code>${escapeHtml(m.original)}</code>`,
      `<a href="#${configLineAnchor(m.line)}">${m.line}</a>`,
      `→ ${escapeHtml(m.node)}`,
      `<code>${escapeHtml(m.mapped)}</code>`,
    ]),
  );
}

/** server-template, socket binds and peers: the line as written, as run, and why. */
function addressRewritesTable(d: DeploymentSummary): string {
  const kept = d.balancer.addressRewrites;
  if (!kept?.length) return '';
  return `<h3>Other lines kept on the machine</h3><p class="note">Templates, socket binds and peers of the config, rewritten on their own line so no traffic leaves the machine and no path of the user's is touched.</p>${dataTable(
    ['#Line', 'As written', 'As run', 'Reason'],
    kept.map((r) => [
      `<a href="#${configLineAnchor(r.line)}">${r.line}</a>`,
      `<code>${escapeHtml(r.original)}</code>`,
      `<code>${escapeHtml(r.asRun)}</code>`,
      escapeHtml(r.reason),
    ]),
  )}`;
}

/** Sizing lines scaled to the machine: the user's value, the value run, and the limit that forced it. */
function machineFitTable(d: DeploymentSummary): string {
  const fit = d.balancer.machineFit;
  if (!fit?.rewrites.length) return '';
  const limits = `open-files hard limit ${fit.openFilesLimit}, ${fit.cpus} CPU${fit.cpus === 1 ? '' : 's'}`;
  return `<h3>Scaled to the machine</h3><p class="note">Settings that size the balancer for production hardware were scaled to what ${escapeHtml(fit.where)} allows (${escapeHtml(limits)}), each on its own line. Per-server limits, weights, checks, timeouts and algorithms — what the suites judge — are never changed.</p>${dataTable(
    ['#Line', 'As written', 'As run', 'Reason'],
    fit.rewrites.map((r) => [
      `<a href="#${configLineAnchor(r.line)}">${r.line}</a>`,
      `<code>${escapeHtml(r.original)}</code>`,
      `<code>${escapeHtml(r.asRun)}</code>`,
      escapeHtml(r.reason),
    ]),
  )}`;
}

function balancerConfig(summary: Summary, d: DeploymentSummary): string {
  if (d.balancer.kind === 'external') {
    return `<p class="note">An external balancer (<code>${escapeHtml(d.balancer.version)}</code>): the harness did not start it, did not rewrite any address and does not know its config. Test traffic went to the endpoints listed under Deployment; tests that need the balancer’s config, its server states or a fault verb without a command in the profile were skipped with that reason.</p>`;
  }
  const file = d.balancer.configFile ? ` <code>${escapeHtml(d.balancer.configFile)}</code>` : '';
  const mapping = `<h3>Address mapping</h3><p class="note">Upstream addresses in the config are production addresses; the harness rewrote each to a harness node and test traffic never left the run’s own nodes.</p>${mappingTable(d)}${addressRewritesTable(d)}${machineFitTable(d)}`;
  if (d.balancer.config === undefined) return `${mapping}<p class="note">The balancer config was not recorded.</p>`;
  return `${mapping}<h3>Balancer config as run${file}</h3><p class="note">Secrets (passwords, tokens, <code>stats auth</code> credentials, private keys) are redacted. ${escapeHtml(CONFIG_LEGEND)}</p>${configPanel(summary, d)}`;
}

export function deploymentSection(summary: Summary): string {
  const d = summary.deployment;
  if (!d)
    return `<section class="card" id="deployment"><h2>Deployment</h2><p class="note">No deployment was recorded (it may have failed to start; see the suite errors below).</p></section>`;
  return `<section class="card" id="deployment"><h2>Deployment</h2>${overview(summary, d)}${capabilities(d)}</section>
<section class="card" id="balancer-config"><h2>Balancer configuration</h2>${balancerConfig(summary, d)}</section>`;
}
