/** The tc argument lists of the qdisc faults (tbf bandwidth cap, netem delay) on one interface, built without running. */
import { tcRate } from './fault.js';

export function tbfArgs(iface: string, rate: string): string[] {
  return [
    'tc',
    'qdisc',
    'replace',
    'dev',
    iface,
    'root',
    'tbf',
    'rate',
    tcRate(rate),
    'burst',
    '32kbit',
    'latency',
    '400ms',
  ];
}

export function netemArgs(iface: string, ms: number, jitterMs?: number): string[] {
  return [
    'tc',
    'qdisc',
    'replace',
    'dev',
    iface,
    'root',
    'netem',
    'delay',
    `${ms}ms`,
    ...(jitterMs ? [`${jitterMs}ms`] : []),
  ];
}

export function qdiscDelArgs(iface: string): string[] {
  return ['tc', 'qdisc', 'del', 'dev', iface, 'root'];
}
