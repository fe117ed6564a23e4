/**
 * Weak cipher families against a TLS endpoint, two ways: the hand-built ClientHello (every family, whatever this
 * client's OpenSSL lacks) and, where this client can offer the family, a full handshake. Accepted by either = accepted.
 */
import { probeWeakCiphers, WEAK_CIPHER_FAMILIES, type CipherProbe, type ProbeTarget } from './policy.js';
import { probeSuites, WEAK_SUITES } from './raw-hello.js';

export interface FamilyVerdict {
  family: string;
  why: string;
  verdict: CipherProbe['verdict'];
  /** Suite the server chose (IANA name from the ServerHello, or the OpenSSL name of a full handshake). */
  cipher?: string;
  protocol?: string;
  /** What the verdict rests on. */
  evidence: string;
}

const RANK: Record<CipherProbe['verdict'], number> = {
  accepted: 4,
  refused: 3,
  inconclusive: 2,
  unreachable: 1,
  'not-testable': 0,
};

export async function probeCipherFamilies(t: ProbeTarget, families: readonly string[]): Promise<FamilyVerdict[]> {
  const wanted = WEAK_CIPHER_FAMILIES.filter((f) => families.includes(f.family));
  const full = await probeWeakCiphers(t, wanted);
  const out: FamilyVerdict[] = [];
  for (const f of wanted) {
    const suites = WEAK_SUITES[f.family];
    const raw = suites
      ? await probeSuites({
          host: t.host,
          port: t.port,
          servername: t.servername,
          suites: Object.keys(suites).map(Number),
          timeoutMs: t.timeoutMs ?? 3000,
        })
      : undefined;
    const handshake = full.find((p) => p.family === f.family)!;
    const candidates: FamilyVerdict[] = [
      {
        family: f.family,
        why: f.why,
        verdict: handshake.verdict,
        cipher: handshake.cipher,
        protocol: handshake.protocol,
        evidence: `full handshake offering ${f.spec}: ${handshake.errorCode ?? handshake.outcome}`,
      },
    ];
    if (raw) {
      candidates.push({
        family: f.family,
        why: f.why,
        verdict: raw.verdict,
        cipher: raw.suite !== undefined ? (suites![raw.suite] ?? `0x${raw.suite.toString(16)}`) : undefined,
        protocol: raw.verdict === 'accepted' ? 'TLSv1.2' : undefined,
        evidence: `ClientHello offering ${Object.keys(suites!).length} ${f.family} suites: ${raw.detail}`,
      });
    }
    out.push(candidates.sort((a, b) => RANK[b.verdict] - RANK[a.verdict])[0]!);
  }
  return out;
}
