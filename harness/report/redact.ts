/**
 * Secret redaction for balancer/broker configs shown in reports. Line structure is preserved (the address-mapping
 * table and findings refer to line numbers), so a redacted PEM block keeps its line count.
 */
import type { Summary } from './summary-types.js';

export const REDACTED = '«redacted»';

/** A whole PEM private key (RSA, EC, encrypted, OpenSSH …): keep the armour lines, blank the body. */
const PEM_PRIVATE_KEY = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)([\s\S]*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----)/g;

/** `stats auth user:pass` (HAProxy) → keep the user, hide the password. */
const STATS_AUTH = /(\bstats\s+auth\s+[^\s:]+:)(\S+)/g;

/** HAProxy userlist: `user admin password $6$…` and `insecure-password secret`. */
const HAPROXY_USER_PASSWORD = /(\b(?:insecure-)?password\s+)(?![=:])("[^"]*"|'[^']*'|\S+)/g;

/**
 * `key = value`, `key: value`, `key value`, `--key=value` where the key ends in password/passwd/secret/token/api key
 * (`api_token`, `auth.password`, `client_secret` …). Keys like `ssl_password_file` (a path) do not match.
 */
const SECRET_KEY_VALUE =
  /(\b[\w.-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key)["']?\s*(?:=|:|\s)\s*)("[^"]*"|'[^']*'|[^\s,;}#]+)/gi;

/** `Authorization: Bearer xyz`, `Basic dXNlcjpwYXNz`. */
const AUTH_HEADER = /(\b(?:Bearer|Basic)\s+)([A-Za-z0-9._~+/=-]{6,})/g;

/** Credentials in URLs: `redis://user:pass@host` → `redis://user:«redacted»@host`. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;

function quoteLike(original: string): string {
  const quote = original[0];
  return quote === '"' || quote === "'" ? `${quote}${REDACTED}${quote}` : REDACTED;
}

export function redactConfig(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, (_m, begin: string, body: string, end: string) => {
      const lineBreaks = body.split('\n').length - 1;
      const middle =
        lineBreaks > 1 ? `\n${REDACTED}${'\n'.repeat(lineBreaks - 1)}` : lineBreaks === 1 ? `\n` : REDACTED;
      return `${begin}${middle}${end}`;
    })
    .replace(STATS_AUTH, (_m, head: string) => `${head}${REDACTED}`)
    .replace(HAPROXY_USER_PASSWORD, (_m, head: string, value: string) => `${head}${quoteLike(value)}`)
    .replace(SECRET_KEY_VALUE, (match: string, head: string, value: string) =>
      value === REDACTED || value.includes(REDACTED) ? match : `${head}${quoteLike(value)}`,
    )
    .replace(AUTH_HEADER, (_m, head: string) => `${head}${REDACTED}`)
    .replace(URL_CREDENTIALS, (_m, head: string, _pass: string, at: string) => `${head}${REDACTED}${at}`);
}

/** A copy of the summary whose balancer config is redacted (what the report writes to summary.json). */
export function redactSummary(summary: Summary): Summary {
  const config = summary.deployment?.balancer.config;
  if (!summary.deployment || config === undefined) return summary;
  return {
    ...summary,
    deployment: { ...summary.deployment, balancer: { ...summary.deployment.balancer, config: redactConfig(config) } },
  };
}
