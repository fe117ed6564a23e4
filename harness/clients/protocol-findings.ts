/**
 * Maps what an MQTT client met instead of CONNACK (HTTP, TLS, a PROXY header, a silent close) and the balancer
 * facts to the config line that explains it: `mode http`, `bind … ssl`, `bind … accept-proxy`, `send-proxy` on
 * servers towards nodes without PROXY protocol.
 */
import type { Finding } from '../report/summary-types.js';
import type { BackendFacts, BalancerFacts, FrontendFacts } from '../facts.js';
import type { Endpoints, HostPort } from '../types.js';
import type { ProtocolMismatchError } from './protocol-mismatch.js';

export interface MismatchContext {
  facts?: BalancerFacts;
  /** The deployment's frontends, to tell which one the client reached. */
  frontends?: Endpoints['frontends'];
  /** Whether the nodes' MQTT listener accepts a PROXY protocol header (profile `broker.trust_proxy`). */
  nodesAcceptProxy: boolean;
}

interface Reached {
  name: string;
  bindLine?: number;
  frontend?: FrontendFacts;
  backend?: BackendFacts;
}

/** The frontend serving `target`, with its facts and the backend behind it. */
function reachedFrontend(target: HostPort, ctx: MismatchContext): Reached | undefined {
  const entry = Object.entries(ctx.frontends ?? {}).find(([, f]) => f.host === target.host && f.port === target.port);
  if (!entry) return undefined;
  const name = entry[0].split('#')[0]!;
  const frontend = ctx.facts?.frontends?.find((f) => f.name === name);
  const backendName = frontend?.backend ?? entry[1].backend;
  const backend = ctx.facts?.backends.find((b) => b.name === backendName) ?? ctx.facts?.mqttBackend;
  return { name, bindLine: entry[1].line, frontend, backend };
}

function answered(err: ProtocolMismatchError): string {
  switch (err.seen) {
    case 'http':
      return `HTTP (${err.firstLine ?? err.detail})`;
    case 'tls-alert':
    case 'tls-record':
      return `TLS (${err.detail})`;
    case 'proxy-v1':
    case 'proxy-v2':
      return `a ${err.detail}`;
    case 'nothing':
      return 'nothing';
    default:
      return `non-MQTT bytes (${err.detail})`;
  }
}

function modeHttp(err: ProtocolMismatchError, r: Reached, file: string): Finding | undefined {
  const mode = r.frontend?.mode;
  if (mode?.value !== 'http') return undefined;
  const inherited = mode.line !== undefined && mode.line < r.frontend!.line;
  return {
    severity: 'error',
    title: `the balancer answered MQTT CONNECT with ${answered(err)}: frontend ${r.name} runs in \`mode http\` (line ${mode.line ?? '?'})`,
    detail:
      `\`${mode.source ?? 'mode http'}\`${inherited ? ` in defaults, inherited by frontend ${r.name}` : ''}: HAProxy parses ` +
      'the MQTT CONNECT packet as an HTTP request, rejects it and answers with an HTTP error page',
    file,
    line: mode.line,
    remedy: `mode tcp (add \`mode tcp\` to frontend ${r.name} and its backend${inherited ? ', or set it in defaults' : ''})`,
  };
}

function sslBind(err: ProtocolMismatchError, r: Reached, file: string): Finding | undefined {
  const bind = r.frontend?.binds.find((b) => b.ssl && (r.bindLine === undefined || b.line === r.bindLine));
  if (!bind) return undefined;
  return {
    severity: 'error',
    title: `the balancer ${err.seen === 'nothing' ? 'closed the connection without answering MQTT CONNECT' : `answered MQTT CONNECT with ${answered(err)}`}: frontend ${r.name} terminates TLS (\`ssl\` on its bind, line ${bind.line}) and a plain MQTT client reached it`,
    detail: `\`${bind.source}\`: the port expects a TLS ClientHello; the plain CONNECT packet fails the handshake`,
    file,
    line: bind.line,
    remedy: `remove \`ssl crt …\` from the bind of the plain MQTT frontend (serve MQTT over TLS on its own frontend, e.g. :8883), or connect with TLS (mqtts)`,
  };
}

function acceptProxyBind(r: Reached, file: string): Finding | undefined {
  const bind = r.frontend?.binds.find((b) => b.acceptProxy && (r.bindLine === undefined || b.line === r.bindLine));
  if (!bind) return undefined;
  return {
    severity: 'error',
    title: `the balancer closed the connection without answering MQTT CONNECT: frontend ${r.name} expects a PROXY protocol header from clients (\`accept-proxy\`, line ${bind.line})`,
    detail: `\`${bind.source}\`: a client that sends MQTT directly (no load balancer in front) is dropped`,
    file,
    line: bind.line,
    remedy: 'remove `accept-proxy` from the bind unless another proxy in front of this one sends PROXY headers',
  };
}

function sendProxy(r: Reached, ctx: MismatchContext, file: string): Finding | undefined {
  if (ctx.nodesAcceptProxy) return undefined;
  const server = r.backend?.servers.find((s) => s.sendProxy);
  const sp = server?.sendProxy;
  if (!server || !sp) return undefined;
  return {
    severity: 'error',
    title: `the node closed the connection without answering MQTT CONNECT: backend ${r.backend!.name} sends a PROXY protocol ${sp.value} header (line ${sp.line ?? server.line}) to nodes whose MQTT listener has no PROXY protocol`,
    detail:
      `\`${sp.source ?? `send-proxy${sp.value === 'v2' ? '-v2' : ''}`}\`: the node reads the header as a malformed MQTT packet ` +
      'and closes the connection before CONNACK (broker trust_proxy / proxy_protocol is off)',
    file,
    line: sp.line ?? server.line,
    remedy:
      'remove `send-proxy`/`send-proxy-v2` from the server lines, or enable PROXY protocol on the nodes (EMQX: ' +
      '`listeners.tcp.default.proxy_protocol = true`; stand-in: profile `broker.trust_proxy: true`)',
  };
}

/** The finding explaining the mismatch from the config, or undefined when no config line explains it. */
export function explainMismatch(err: ProtocolMismatchError, ctx: MismatchContext): Finding | undefined {
  const r = reachedFrontend(err.target, ctx);
  const file = ctx.facts?.file;
  const fromConfig = (): Finding | undefined => {
    if (!r || !file) return undefined;
    switch (err.seen) {
      case 'http':
        return modeHttp(err, r, file);
      case 'tls-alert':
      case 'tls-record':
        return sslBind(err, r, file);
      case 'nothing':
        return sslBind(err, r, file) ?? acceptProxyBind(r, file) ?? sendProxy(r, ctx, file);
      default:
        return undefined;
    }
  };
  // A silent close without a config line to blame may be a node going down: no finding. Any other answer is one.
  return fromConfig() ?? (err.seen === 'nothing' ? undefined : unexplained(err, r));
}

function unexplained(err: ProtocolMismatchError, r: Reached | undefined): Finding {
  const where = r ? `frontend ${r.name}${r.bindLine ? ` (bind line ${r.bindLine})` : ''}` : 'the balancer';
  return {
    severity: 'error',
    title: `the balancer answered MQTT CONNECT with ${answered(err)}`,
    detail: `${where} at ${err.target.host}:${err.target.port} does not speak plain MQTT; no line of the balancer config explains it`,
    remedy: 'make the MQTT frontend a plain TCP pass-through (HAProxy `mode tcp`, no `ssl` on the bind)',
  };
}
