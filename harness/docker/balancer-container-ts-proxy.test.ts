/**
 * The user's TS-proxy YAML mapped for the TS-proxy container (no engine needed): servers become node aliases on the
 * run network, an unmapped server is refused naming its line, frontends keep their port inside the container, the
 * admin API moves to its fixed container port, and certificate paths end up absolute (copied in at the same path).
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { mapForContainer } from './balancer-container.js';
import { tsProxyKind, TS_PROXY_ADMIN_PORT } from '../balancer/ts-proxy/kind.js';
import { tlsFilesOf } from '../balancer/ts-proxy/container-files.js';
import { standinKind } from './brokers/standin.js';
import { ConfigError } from '../errors.js';
import { containerNodes } from '../../test/helpers/container-nodes.js';
import { tmpFile } from '../../test/helpers/files.js';
import type { BalancerTls } from '../pki/run-tls.js';

const nodes = containerNodes(
  standinKind.define({ runId: 'r', nodes: 3, image: 'x', trustProxy: false, heartbeatMs: 2000, serviceImage: 'redis' })
    .nodes,
);
const fixture = (name: string): string => path.resolve('fixtures/ts-proxy', name);
const BACKEND = 'backends:\n  - name: b\n    servers:\n      - { name: s1, address: "a.prod:1883" }\n';

describe('TS-proxy config mapped for the container', () => {
  test('servers point at the node aliases keeping the written port; binds keep theirs on 0.0.0.0; admin on its port', async () => {
    const m = await mapForContainer(tsProxyKind, { configFile: fixture('roundrobin.yaml'), explicitMap: [], nodes });
    expect(m.mapping.filter((x) => x.backend === 'mqtt_nodes').map((x) => [x.server, x.node, x.mapped])).toEqual([
      ['emqx1', 'node1', 'node1:1883'],
      ['emqx2', 'node2', 'node2:1883'],
      ['emqx3', 'node3', 'node3:1883'],
    ]);
    expect(m.binds.map((b) => [b.frontend, b.host, b.port])).toEqual([
      ['mqtt', '0.0.0.0', 1883],
      ['dashboard', '0.0.0.0', 18083],
    ]);
    expect(m.admin).toMatchObject({ host: '0.0.0.0', port: TS_PROXY_ADMIN_PORT });
    expect(m.text).toContain(`bind: 0.0.0.0:${TS_PROXY_ADMIN_PORT}`);
    expect(m.text).not.toMatch(/\.invalid/);
  });

  test('a bind on the admin port, or two frontends on one port, are moved apart', async () => {
    const file = tmpFile(
      'lb.yaml',
      `frontends:\n  - { name: a, bind: "*:${TS_PROXY_ADMIN_PORT}", backend: b }\n  - { name: c, bind: "10.0.0.1:1883", backend: b }\n  - { name: d, bind: "10.0.0.2:1883", backend: b }\n${BACKEND}`,
    );
    const ports = (await mapForContainer(tsProxyKind, { configFile: file, explicitMap: [], nodes })).binds.map(
      (b) => b.port,
    );
    expect(new Set(ports).size).toBe(3);
    expect(ports).not.toContain(TS_PROXY_ADMIN_PORT);
    expect(ports).toContain(1883);
  });

  test('a server beyond the cluster is refused naming its line', async () => {
    const servers = [1, 2, 3, 4].map((i) => `      - { name: s${i}, address: "n${i}.prod:1883" }`).join('\n');
    const file = tmpFile(
      'lb.yaml',
      `frontends:\n  - { name: f, bind: "*:1883", backend: b }\nbackends:\n  - name: b\n    servers:\n${servers}\n`,
    );
    const err = await mapForContainer(tsProxyKind, { configFile: file, explicitMap: [], nodes }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ file, line: 9 }); // s4, the fourth server
  });

  test("certificates: mapped to the run PKI when generated; the user's relative paths made absolute against the config file", async () => {
    const pki: BalancerTls = {
      mapCertificates: true,
      cert: '/run/tls/server.crt',
      key: '/run/tls/server.key',
      combined: '/run/tls/server.pem',
      crtList: '/run/tls/l',
      clientCa: '/run/tls/client-ca.crt',
      ca: '/run/tls/ca.crt',
    };
    const mtls = await mapForContainer(tsProxyKind, {
      configFile: fixture('tls-mtls.yaml'),
      explicitMap: [],
      nodes,
      tls: pki,
    });
    const tls = mtls.config.frontends.find((f) => f.name === 'mqtts')!.tls!;
    expect([tls.cert, tls.key, tls.client_ca, tls.verify, tls.min_version]).toEqual([
      pki.cert,
      pki.key,
      pki.clientCa,
      'required',
      'TLSv1.2',
    ]);

    const file = tmpFile(
      'lb.yaml',
      `frontends:\n  - name: s\n    bind: "*:8883"\n    backend: b\n    tls: { cert: certs/s.crt, key: certs/s.key }\n${BACKEND}`,
    );
    const own = await mapForContainer(tsProxyKind, {
      configFile: file,
      explicitMap: [],
      nodes,
      tls: { ...pki, mapCertificates: false },
    });
    const dir = path.dirname(file);
    expect(own.config.frontends[0]!.tls).toMatchObject({
      cert: path.join(dir, 'certs/s.crt'),
      key: path.join(dir, 'certs/s.key'),
    });
    // Those files do not exist: refused before any container starts, naming the frontend's line.
    expect(() => tlsFilesOf(own, file)).toThrow(ConfigError);
    expect(() => tlsFilesOf(own, file)).toThrow(/certs\/s\.crt does not exist on this machine/);
  });
});
