/**
 * A minimal MQTT 3.1.1/5.0 broker for tests that need MQTT 5 (aedes speaks 3.1.1 only): CONNECT →
 * CONNACK, SUBSCRIBE → SUBACK, PUBLISH delivered to matching subscriptions on the same broker
 * (exact topics), PINGREQ, DISCONNECT. Parsing and encoding by mqtt-packet, an independent codec.
 */
import mqttPacket from 'mqtt-packet';
import net from 'node:net';

export interface MiniBroker {
  name: string;
  port: number;
  address: string;
  /** Client ids currently connected. */
  clientIds(): string[];
  /** Every CONNECT seen: client id and protocol version. */
  connects: { clientId: string; protocolVersion: number }[];
  close(): Promise<void>;
}

export function startMiniBroker(name: string): Promise<MiniBroker> {
  const sockets = new Set<net.Socket>();
  const clients = new Map<net.Socket, { id: string; version: number; subs: Set<string> }>();
  const connects: MiniBroker['connects'] = [];
  const server = net.createServer(function onBrokerConnection(socket) {
    sockets.add(socket);
    const parser = mqttPacket.parser();
    let version = 4;
    const send = (p: object) =>
      socket.write(mqttPacket.generate(p as mqttPacket.Packet, { protocolVersion: version as 4 | 5 }));
    parser.on('packet', function onPacket(p: mqttPacket.Packet) {
      if (p.cmd === 'connect') {
        version = p.protocolVersion ?? 4;
        connects.push({ clientId: p.clientId, protocolVersion: version });
        clients.set(socket, { id: p.clientId, version, subs: new Set() });
        send({ cmd: 'connack', returnCode: 0, reasonCode: 0, sessionPresent: false });
      } else if (p.cmd === 'subscribe') {
        for (const s of p.subscriptions) clients.get(socket)?.subs.add(s.topic);
        send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map((s) => s.qos) });
      } else if (p.cmd === 'publish') {
        if (p.qos === 1) send({ cmd: 'puback', messageId: p.messageId });
        for (const [s, c] of clients) {
          if (!c.subs.has(p.topic)) continue;
          s.write(
            mqttPacket.generate(
              {
                cmd: 'publish',
                topic: p.topic,
                payload: p.payload,
                qos: 0,
                retain: false,
                dup: false,
              } as mqttPacket.IPublishPacket,
              { protocolVersion: c.version as 4 | 5 },
            ),
          );
        }
      } else if (p.cmd === 'pingreq') send({ cmd: 'pingresp' });
      else if (p.cmd === 'disconnect') socket.end();
    });
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      clients.delete(socket);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        name,
        port,
        address: `127.0.0.1:${port}`,
        clientIds: () => [...clients.values()].map((c) => c.id),
        connects,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
