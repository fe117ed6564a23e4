/** Which TLS set-ups a profile provides (the `{ tls: … }` needs of harness/needs.ts), with the reason when not. */
import type { Profile } from '../profile/schema.js';
import type { Ability, TlsNeed } from '../needs.js';
import { capabilitiesOf } from '../brokers/capabilities.js';

const TOPOLOGY = (t: string): string => `topology is ${t} (profile tls.topology)`;

export function tlsAbilities(profile: Profile): Record<TlsNeed, Ability> {
  const tls = profile.tls;
  const target = profile.balancer.target;
  let all: Ability = true;
  if (target && !target.mqtts) all = 'the external target has no mqtts endpoint (balancer.target.mqtts)';
  else if (target && !tls && !target.ca)
    all = 'no CA to verify the external balancer with (balancer.target.ca, or tls.pki.ca)';
  else if (!target && !tls)
    all = 'the profile has no `tls:` section, so no TLS set-up was made (see README "Profile format")';
  const out: Record<TlsNeed, Ability> = { any: all, offload: all, passthrough: all, mtls: all, 'client-cert': all };
  if (all !== true || !tls) return out;
  if (tls.topology !== 'offload') out.offload = TOPOLOGY(tls.topology);
  if (tls.topology !== 'passthrough') out.passthrough = TOPOLOGY(tls.topology);
  if (tls.mtls !== 'required') out.mtls = 'the profile does not require client certificates (tls.mtls: false)';
  else if (tls.topology === 'passthrough' && capabilitiesOf(profile.broker.kind).nodeTlsRequiresClientCert === false)
    out.mtls = `passthrough: the nodes verify client certificates, and the nodes' TLS listener (broker kind ${profile.broker.kind}) does not require them (EMQX: ssl_options.verify = verify_peer, fail_if_no_peer_cert = true)`;
  if (tls.pki !== 'generated' && !tls.pki.client_cert)
    out['client-cert'] = 'tls.pki names no client_cert/client_key to present';
  return out;
}
