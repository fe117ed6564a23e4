/**
 * TLS building blocks for the suites: certificate findings, handshake verdicts, policy probes, handshake bench,
 * and the real mosquitto_pub; re-exports the run-time PKI of ../pki/. (Test fixtures live in test/helpers/.)
 */
export {
  generatePki,
  loadUserPki,
  WRONG_HOST_NAME,
  type Pki,
  type GeneratePkiOptions,
  type CertKeyPaths,
  type ServerCertPaths,
  type KeyType,
  type UserPki,
  type UserPkiPaths,
} from '../pki/pki.js';
export { certFacts, nameCovered, parseCertificate, type CertFacts } from '../pki/cert-facts.js';
export { certFindings, certificateMetric, type CertFindingOptions } from './cert-findings.js';
export {
  tryHandshake,
  type HandshakeOptions,
  type HandshakeResult,
  type HandshakeOutcome,
  type HandshakeError,
  type PemInput,
} from './handshake.js';
export { classifyError, isRefusal } from './handshake-errors.js';
export {
  probeProtocolVersions,
  probeWeakCiphers,
  localClientCapabilities,
  clientCanOffer,
  WEAK_CIPHER_FAMILIES,
  type ProbeTarget,
  type ProbeVerdict,
  type ProtocolProbe,
  type CipherProbe,
  type CipherFamily,
} from './policy.js';
export { protocolFindings, cipherFindings } from './policy-findings.js';
export { measureHandshakes, percentile, type BenchOptions, type BenchResult } from './handshake-bench.js';
export {
  runMosquittoPub,
  findMosquittoPub,
  mosquittoPubArgs,
  parseMosquittoOutput,
  type MosquittoPubOptions,
  type MosquittoRun,
  type MosquittoParsed,
} from './mosquitto.js';
export { probeSuites, clientHello, parseServerAnswer, WEAK_SUITES, type RawHelloResult } from './raw-hello.js';
export { probeCipherFamilies, type FamilyVerdict } from './cipher-families.js';
export {
  prepareRunTls,
  withPreflightTls,
  PROTOCOL_VERSIONS,
  type ProtocolVersion,
  type RunTls,
  type BalancerTls,
  type PreparedTls,
} from '../pki/run-tls.js';
export { tlsTarget, remediesFor, locationOf, type TlsTarget, type TlsRemedies } from './tls-target.js';
export { expectedVerdict, protocolPolicyFindings, cipherPolicyFindings, ciphersByVersion } from './policy-check.js';
export { mqttsOptions, connectMqttsPlaced, connectMqttsOnDistinctNodes, type MqttsChoice } from './mqtts-clients.js';
