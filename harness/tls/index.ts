/**
 * TLS building blocks for the suites: run-time PKI, certificate facts and findings, handshake verdicts,
 * policy probes, handshake bench, and the real mosquitto_pub. (Test fixtures live in ./testing/.)
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
} from './pki.js';
export {
  certFacts,
  certFindings,
  certificateMetric,
  nameCovered,
  parseCertificate,
  type CertFacts,
  type CertFindingOptions,
} from './cert-facts.js';
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
  PROTOCOL_VERSIONS,
  WEAK_CIPHER_FAMILIES,
  type ProbeTarget,
  type ProbeVerdict,
  type ProtocolProbe,
  type CipherProbe,
  type CipherFamily,
  type ProtocolVersion,
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
export { prepareRunTls, withPreflightTls, type RunTls, type BalancerTls, type PreparedTls } from './run-tls.js';
export { tlsTarget, remediesFor, locationOf, type TlsTarget, type TlsRemedies } from './tls-target.js';
export { expectedVerdict, protocolPolicyFindings, cipherPolicyFindings, ciphersByVersion } from './policy-check.js';
export { mqttsOptions, connectMqttsPlaced, connectMqttsOnDistinctNodes, type MqttsChoice } from './mqtts-clients.js';
