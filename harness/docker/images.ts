/** Names of the local images built by scripts/docker/build-images.sh (no registry needed). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';

let version: string | undefined;
function harnessVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}

export const IMAGES = {
  debian: 'mqtt-lb/debian:bookworm',
  redis: 'mqtt-lb/redis:7',
  haproxy: 'mqtt-lb/haproxy:2.6',
  nginx: 'mqtt-lb/nginx:1.22',
  node: 'mqtt-lb/node:20',
  rabbitmq: 'mqtt-lb/rabbitmq:3.10',
  get standin(): string {
    return `mqtt-lb/standin:${harnessVersion()}`;
  },
  get tsProxy(): string {
    return `mqtt-lb/ts-proxy:${harnessVersion()}`;
  },
} as const;

/** Label carrying the content hash of an image's build inputs (set by build-images.sh). */
export const INPUTS_LABEL = 'mqtt-lb.inputs';

/** The command that builds missing images, for skip reasons and error messages. */
export const BUILD_IMAGES_HINT = 'bash scripts/docker/start-dockerd.sh && bash scripts/docker/build-images.sh';
