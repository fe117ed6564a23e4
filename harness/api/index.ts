/**
 * The package's public API (`import … from 'mqtt-lb-harness'`), semver'd: the deployment builder and what a started
 * deployment hands out. Everything else under harness/ is internal and may change in any release.
 */
export { MqttLbDeployment } from './builder.js';
export type {
  BalancerKindName,
  BalancerOptions,
  BrokerKind,
  BrokerOptions,
  ClientDefaults,
  RuntimeName,
  TlsOptions,
} from './builder.js';
export { StartedMqttLbDeployment } from './started.js';
export type { FaultResult, StartedNode } from './started.js';
export { ClientFactory } from './clients.js';
export type { ClientOptions } from './clients.js';
export { DeliveryLedger } from './ledger.js';
export type { LedgerData, LedgerTotals, LoadQos } from './ledger.js';
export type { FaultWords } from './fault-words.js';
export { ConfigError, MissingBinaryError, isConfigError } from '../errors.js';
export type {
  BalancerServerState,
  ClientInfo,
  Deployment,
  FaultVerb,
  HostPort,
  NetFault,
  NetFaultReceipt,
  NodeApi,
  NodeInfo,
  NodeName,
  NodeStatus,
  ServerStatus,
} from '../types.js';
export type { QosTotals } from '../failover/traffic.js';
