/**
 * One raw MQTT 3.1.1 CONNECT to a plain endpoint and the classification of what comes back, for callers whose
 * client is a third-party program (mosquitto_pub/sub) that only says "protocol error".
 */
import net from 'node:net';
import { FirstBytesSniffer } from './first-bytes-sniffer.js';
import type { FirstBytes } from './first-bytes.js';
import type { HostPort } from '../types.js';

/** CONNECT, MQTT 3.1.1, clean session, keepalive 10 s, client id "mqtt-lb-probe". */
const CONNECT = Buffer.concat([
  Buffer.from([0x10, 25, 0x00, 0x04]),
  Buffer.from('MQTT', 'latin1'),
  Buffer.from([0x04, 0x02, 0x00, 0x0a, 0x00, 13]),
  Buffer.from('mqtt-lb-probe', 'latin1'),
]);

/** What the endpoint answers to a CONNECT (undefined: it closed or stayed silent within `timeoutMs`). */
export function probeConnect(target: HostPort, timeoutMs = 3000): Promise<FirstBytes | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const sniffer = new FirstBytesSniffer(socket);
    const finish = (): void => {
      clearTimeout(timer);
      sniffer.stop();
      socket.destroy();
      resolve(sniffer.result());
    };
    const timer = setTimeout(finish, timeoutMs);
    const onConnect = (): void => void socket.write(CONNECT);
    const onData = (): void => finish();
    socket.once('connect', onConnect);
    socket.once('data', onData);
    socket.once('error', finish);
    socket.once('close', finish);
  });
}
