/** The docker runtime's image choice without an engine: profile > environment > local build > official; roles. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { chooseImage, rolesFor } from './image-choice.js';
import { IMAGES } from './images.js';

describe('image choice', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const hasOnly =
    (...names: string[]) =>
    async (n: string) =>
      names.includes(n);

  test('profile beats environment beats local build beats official', async () => {
    process.env.MQTT_LB_HAPROXY_IMAGE = 'haproxy:2.8';
    expect(await chooseImage('haproxy', 'my/haproxy:1', hasOnly())).toMatchObject({
      image: 'my/haproxy:1',
      source: 'profile',
      present: false,
    });
    expect(await chooseImage('haproxy', undefined, hasOnly('haproxy:2.8'))).toMatchObject({
      image: 'haproxy:2.8',
      source: 'environment',
      present: true,
    });
    delete process.env.MQTT_LB_HAPROXY_IMAGE;
    expect(await chooseImage('haproxy', undefined, hasOnly(IMAGES.haproxy))).toMatchObject({
      image: IMAGES.haproxy,
      source: 'local build',
    });
    expect(await chooseImage('haproxy', undefined, hasOnly())).toMatchObject({
      image: 'haproxy:2.6',
      source: 'official',
      present: false,
    });
    expect(await chooseImage('redis', undefined, hasOnly())).toMatchObject({ image: 'redis:7', source: 'official' });
    expect(await chooseImage('emqx', undefined, hasOnly())).toMatchObject({
      image: 'emqx/emqx:5.8.9',
      source: 'official',
    });
    process.env.MQTT_LB_EMQX_IMAGE = 'public.ecr.aws/emqx/emqx:5.8.9';
    expect(await chooseImage('emqx', undefined, hasOnly())).toMatchObject({
      image: 'public.ecr.aws/emqx/emqx:5.8.9',
      source: 'environment',
    });
  });

  test('stand-in without its image: the official Node base with the program copied in', async () => {
    expect(await chooseImage('standin', undefined, hasOnly())).toMatchObject({
      image: 'node:20-bookworm-slim',
      appEntry: 'dist/standin/node.js',
    });
    const built = await chooseImage('standin', undefined, hasOnly(IMAGES.standin));
    expect([built.image, built.source, built.appEntry]).toEqual([IMAGES.standin, 'local build', undefined]);
    expect(await chooseImage('ts-proxy', undefined, hasOnly())).toMatchObject({
      image: 'node:20-bookworm-slim',
      appEntry: 'dist/proxy/main.js',
    });
  });

  test('roles a profile needs', () => {
    expect(
      rolesFor({ kind: 'standin', redis_image: 'r:1' }, { kind: 'haproxy' }).map((r) => [r.role, r.explicit]),
    ).toEqual([
      ['standin', undefined],
      ['redis', 'r:1'],
      ['haproxy', undefined],
    ]);
    expect(
      rolesFor({ kind: 'emqx', image: 'e:1' }, { kind: 'ts-proxy', image: 't:1' }).map((r) => [r.role, r.explicit]),
    ).toEqual([
      ['emqx', 'e:1'],
      ['ts-proxy', 't:1'],
    ]);
  });
});
