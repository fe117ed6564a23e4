/**
 * The profile's `tls:` section: topology (offload | passthrough), where the certificates come from (generated per
 * run, or the user's files), the names clients use, mutual TLS, and the protocol/cipher policy the TLS suite checks.
 * Documented in README "Profile format".
 */
import { z } from 'zod';

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export const CIPHER_FAMILIES = ['NULL', 'RC4', '3DES', 'DES', 'EXPORT', 'anon'] as const;

/** The user's own certificate files (paths relative to the profile file). */
export const userPkiSchema = z
  .object({
    /** CA bundle clients verify the balancer (or the nodes, in passthrough) with — the guide's --cafile. */
    ca: z.string().min(1),
    /** Server certificate and key; needed in passthrough (the nodes serve them), optional in offload (facts only). */
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** HAProxy-style PEM (certificate then key), alternative to cert + key. */
    combined: z.string().min(1).optional(),
    /** CA that signs client certificates (mTLS). */
    client_ca: z.string().min(1).optional(),
    /** A client certificate the balancer accepts (mTLS "valid → accepted"). */
    client_cert: z.string().min(1).optional(),
    client_key: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.client_cert === undefined) !== (p.client_key === undefined))
      ctx.addIssue({ code: 'custom', path: ['client_cert'], message: 'client_cert and client_key go together' });
    if ((p.cert === undefined) !== (p.key === undefined))
      ctx.addIssue({ code: 'custom', path: ['cert'], message: 'cert and key go together' });
  });

export const tlsPolicySchema = z
  .object({
    /** Lowest protocol version that must be accepted; every lower one must be refused. */
    min_version: z.enum(TLS_VERSIONS).default('TLSv1.2'),
    /** Highest protocol version that must be accepted; a higher one must be refused. */
    max_version: z.enum(TLS_VERSIONS).default('TLSv1.3'),
    /** Cipher families that must be refused. */
    forbidden_ciphers: z.array(z.enum(CIPHER_FAMILIES)).default([...CIPHER_FAMILIES]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (TLS_VERSIONS.indexOf(p.min_version) > TLS_VERSIONS.indexOf(p.max_version))
      ctx.addIssue({
        code: 'custom',
        path: ['max_version'],
        message: `max_version ${p.max_version} is below min_version ${p.min_version}`,
      });
  });

export const tlsSchema = z
  .object({
    /** offload: the balancer terminates TLS, plain TCP to the nodes. passthrough: TCP through the balancer, the nodes terminate TLS on 8883. */
    topology: z.enum(['offload', 'passthrough']).default('offload'),
    /** `generated` (default): a throw-away PKI per run, mapped onto the config's certificate paths. Or the user's files. */
    pki: z.union([z.literal('generated'), userPkiSchema]).default('generated'),
    /** Key type of the generated PKI. */
    key_type: z.enum(['rsa2048', 'ec-p256']).default('rsa2048'),
    /** Names clients use to reach the balancer: in the generated certificate (with 127.0.0.1); the first is the SNI name the harness connects with. */
    server_names: z.array(z.string().min(1)).min(1).default(['mqtt-lb.test']),
    /** Which generated server certificate is served — `expired` and `wrong-host` are for broken fixtures. */
    certificate: z.enum(['good', 'expired', 'wrong-host']).default('good'),
    /** `required`: the balancer (or the nodes) must refuse clients without a valid client certificate. */
    mtls: z.union([z.literal(false), z.literal('required')]).default(false),
    /** Certificate expiry warning, days. */
    warn_days: z.number().int().min(0).default(30),
    policy: tlsPolicySchema.prefault({}),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.pki !== 'generated' && t.certificate !== 'good')
      ctx.addIssue({
        code: 'custom',
        path: ['certificate'],
        message: 'certificate: expired | wrong-host picks a generated certificate; it needs `pki: generated`',
      });
    if (t.pki !== 'generated' && t.topology === 'passthrough' && !t.pki.combined && !t.pki.cert)
      ctx.addIssue({
        code: 'custom',
        path: ['pki', 'cert'],
        message: 'passthrough with your own PKI needs cert + key (the nodes serve them)',
      });
  });

export type TlsProfile = z.infer<typeof tlsSchema>;
export type UserPkiProfile = z.infer<typeof userPkiSchema>;
