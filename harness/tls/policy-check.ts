/**
 * Judging protocol and cipher probes against the profile's TLS policy (`tls.policy`), with findings that name the
 * frontend's config line and the setting to change.
 */
import type { Finding } from '../report/summary-types.js';
import type { ProtocolProbe } from './policy.js';
import type { FamilyVerdict } from './cipher-families.js';
import { PROTOCOL_VERSIONS, type ProtocolVersion, type RunTls } from '../pki/run-tls.js';
import { locationOf, type TlsTarget } from './tls-target.js';

export type Expectation = 'accept' | 'refuse';

/** accept for min_version..max_version, refuse outside. */
export function expectedVerdict(version: ProtocolVersion, policy: RunTls['policy']): Expectation {
  const i = PROTOCOL_VERSIONS.indexOf(version);
  return i >= PROTOCOL_VERSIONS.indexOf(policy.minVersion) && i <= PROTOCOL_VERSIONS.indexOf(policy.maxVersion)
    ? 'accept'
    : 'refuse';
}

function bindText(t: TlsTarget): string {
  return t.source ? ` Config: \`${t.source}\`.` : '';
}

export function protocolPolicyFindings(
  probes: readonly ProtocolProbe[],
  policy: RunTls['policy'],
  t: TlsTarget,
): Finding[] {
  const out: Finding[] = [];
  const range =
    policy.minVersion === policy.maxVersion ? policy.minVersion : `${policy.minVersion}–${policy.maxVersion}`;
  for (const p of probes) {
    const want = expectedVerdict(p.version, policy);
    const seen = `${p.verdict} (${p.errorCode ?? p.outcome}${p.cipher ? `, ${p.cipher}` : ''})`;
    if (want === 'refuse' && p.verdict === 'accepted') {
      out.push({
        severity: 'error',
        title: `${t.where} accepts ${p.version} (negotiated ${p.cipher ?? 'a cipher'}); the policy allows ${range} only.`,
        detail: `${p.version === 'TLSv1' || p.version === 'TLSv1.1' ? 'TLS 1.0 and 1.1 are deprecated (RFC 8996): weak MAC/PRF constructions, no AEAD ciphers.' : `${p.version} is outside the profile's tls.policy.`}${bindText(t)}`,
        ...locationOf(t),
        remedy: t.remedies.versions,
      });
    } else if (want === 'accept' && p.verdict === 'refused') {
      out.push({
        severity: 'error',
        title: `${t.where} refuses ${p.version}, which the policy requires (${range}): ${seen}.`,
        detail: `Clients limited to ${p.version} cannot connect.${bindText(t)}`,
        ...locationOf(t),
        remedy: `Allow ${range} (check ssl-min-ver / ssl-max-ver / min_version), or change tls.policy in the profile.`,
      });
    } else if (p.verdict === 'not-testable') {
      out.push({
        severity: 'warning',
        title: `${p.version} could not be offered by this client (${p.errorCode ?? p.outcome}): whether it is ${want === 'refuse' ? 'refused' : 'accepted'} is not verified.`,
      });
    } else if (p.verdict === 'unreachable' || p.verdict === 'inconclusive') {
      out.push({
        severity: 'error',
        title: `The ${p.version} probe of ${t.where} gave no verdict: ${seen}.`,
        remedy: 'Check that the MQTT/TLS frontend is up and speaks TLS.',
      });
    }
  }
  return out;
}

export function cipherPolicyFindings(probes: readonly FamilyVerdict[], t: TlsTarget): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    if (p.verdict === 'accepted') {
      out.push({
        severity: 'error',
        title: `${t.where} accepts ${p.family} cipher suites (chose ${p.cipher ?? '?'}${p.protocol ? ` over ${p.protocol}` : ''}).`,
        detail: `${p.family}: ${p.why}. Evidence: ${p.evidence}.${bindText(t)}`,
        ...locationOf(t),
        remedy: t.remedies.ciphers,
      });
    } else if (p.verdict === 'not-testable') {
      out.push({
        severity: 'warning',
        title: `${p.family} suites could not be offered (${p.evidence}): not verified.`,
      });
    } else if (p.verdict === 'unreachable' || p.verdict === 'inconclusive') {
      out.push({
        severity: 'error',
        title: `The ${p.family} cipher probe of ${t.where} gave no verdict: ${p.evidence}.`,
      });
    }
  }
  return out;
}

/** Negotiated cipher per accepted protocol version, e.g. { 'TLSv1.2': 'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.3': 'TLS_AES_256_GCM_SHA384' }. */
export function ciphersByVersion(probes: readonly ProtocolProbe[]): Array<{ version: string; cipher: string }> {
  return probes
    .filter((p) => p.verdict === 'accepted' && p.cipher)
    .map((p) => ({ version: p.version, cipher: p.cipher! }));
}
