/**
 * Which image each container of a run uses. Per role: the profile's name, else the environment's, else the locally
 * built `mqtt-lb/*` image when the engine has it, else the official image (pulled on first use). The stand-in and
 * TS-proxy have no official image: on a plain Node base image their built program is copied in (app-stage.ts).
 * A balancer kind's image is its data (`container.image` in balancer/<kind>/kind.ts).
 */
import Docker from 'dockerode';
import { IMAGES, BUILD_IMAGES_HINT } from './images.js';
import { docker, imageAvailable } from './engine.js';
import { EMQX_DEFAULT_IMAGE, EMQX_MIRROR_IMAGE } from './brokers/emqx.js';
import { ConfigError } from '../errors.js';
import { BALANCER_KINDS, balancerKind, type BalancerKindName } from '../balancer/kinds.js';
import type { BalancerKind } from '../balancer/kind.js';

export type ImageRole = 'emqx' | 'standin' | 'redis' | BalancerKindName;

export const NODE_BASE_DEFAULT = 'node:20-bookworm-slim';
const nodeBase = (): string => process.env.MQTT_LB_NODE_IMAGE || NODE_BASE_DEFAULT;

interface RoleSpec {
  env: string;
  /** Built by scripts/docker/build-images.sh. */
  local?: () => string;
  official: () => string;
  /** Built entry point copied onto a plain Node base image when no app image exists. */
  appEntry?: string;
}

/** A balancer kind's image, from its container recipe. */
function kindRole(kind: BalancerKind): RoleSpec {
  const { env, built, official, appEntry } = kind.container.image;
  const images = IMAGES as Record<string, string>;
  if (built && !(built in images)) throw new Error(`balancer kind ${kind.name}: no built image '${built}' in IMAGES`);
  return {
    env,
    ...(built ? { local: () => images[built]! } : {}),
    official: official === 'node-base' ? nodeBase : () => official,
    ...(appEntry ? { appEntry } : {}),
  };
}

const kindRoles = Object.fromEntries(
  Object.entries(BALANCER_KINDS).map(([name, kind]) => [name, kindRole(kind)]),
) as Record<BalancerKindName, RoleSpec>;

export const IMAGE_ROLES: Record<ImageRole, RoleSpec> = {
  emqx: { env: 'MQTT_LB_EMQX_IMAGE', official: () => EMQX_DEFAULT_IMAGE },
  standin: {
    env: 'MQTT_LB_STANDIN_IMAGE',
    local: () => IMAGES.standin,
    official: nodeBase,
    appEntry: 'dist/standin/node.js',
  },
  redis: { env: 'MQTT_LB_REDIS_IMAGE', local: () => IMAGES.redis, official: () => 'redis:7' },
  ...kindRoles,
};

export interface ImageChoice {
  role: ImageRole;
  image: string;
  source: 'profile' | 'environment' | 'local build' | 'official';
  /** The engine has it now. */
  present: boolean;
  /** Set when the role's program is copied onto this (plain Node) image at start. */
  appEntry?: string;
}

/** Resolves one role's image; `has` answers whether the engine has an image (injectable for tests). */
export async function chooseImage(
  role: ImageRole,
  explicit: string | undefined,
  has: (name: string) => Promise<boolean> = imageAvailable,
): Promise<ImageChoice> {
  const spec = IMAGE_ROLES[role];
  const appOn = (image: string): string | undefined =>
    spec.appEntry && image === nodeBase() ? spec.appEntry : undefined;
  const named = explicit
    ? { image: explicit, source: 'profile' as const }
    : process.env[spec.env]
      ? { image: process.env[spec.env]!, source: 'environment' as const }
      : undefined;
  if (named) return { role, ...named, present: await has(named.image), appEntry: appOn(named.image) };
  const local = spec.local?.();
  if (local && (await has(local))) return { role, image: local, source: 'local build', present: true };
  const official = spec.official();
  return { role, image: official, source: 'official', present: await has(official), appEntry: appOn(official) };
}

/** The roles a profile's deployment needs, with the profile's explicit names. */
export function rolesFor(
  broker: { kind: string; image?: string; redis_image?: string },
  balancer: { kind: string; image?: string },
): { role: ImageRole; explicit?: string }[] {
  const roles: { role: ImageRole; explicit?: string }[] = [];
  if (broker.kind === 'emqx') roles.push({ role: 'emqx', explicit: broker.image });
  if (broker.kind === 'standin')
    roles.push({ role: 'standin', explicit: broker.image }, { role: 'redis', explicit: broker.redis_image });
  if (balancerKind(balancer.kind)) roles.push({ role: balancer.kind as BalancerKindName, explicit: balancer.image });
  return roles;
}

function errText(e: unknown): string {
  const err = e as { statusCode?: number; json?: { message?: string }; message?: string };
  return (err.json?.message ?? err.message ?? String(e)).split('\n')[0]!.trim();
}

/** Whether the engine's registry has the image (manifest lookup, nothing downloaded). */
export async function pullable(image: string, timeoutMs = 5000): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await new Docker({ timeout: timeoutMs }).getImage(image).distribution({});
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: errText(e) };
  }
}

/** `runtime: auto`: undefined when every missing image is pullable, else why docker cannot be used (one line). */
export async function imagesUnavailable(choices: ImageChoice[]): Promise<string | undefined> {
  const missing = choices.filter((c) => !c.present);
  const problems: string[] = [];
  for (const c of missing) {
    const p = await pullable(c.image);
    if (!p.ok) problems.push(`${c.image} (${p.reason})`);
  }
  return problems.length ? `image(s) neither present nor pullable: ${problems.join('; ')}` : undefined;
}

function pullFix(c: ImageChoice): string {
  if (c.role === 'emqx')
    return `docker pull ${c.image} (or set ${IMAGE_ROLES.emqx.env}=${EMQX_MIRROR_IMAGE}, or docker load -i an exported image)`;
  if (c.source === 'official' && IMAGE_ROLES[c.role].local)
    return `build the local images: ${BUILD_IMAGES_HINT}, or docker pull ${c.image}`;
  return `docker pull ${c.image}, or name another image with ${IMAGE_ROLES[c.role].env}`;
}

/** Pulls the images the engine lacks (a `runtime: docker` run); a failure names the image and the fix. */
export async function ensureImages(choices: ImageChoice[], say: (m: string) => void): Promise<void> {
  for (const c of choices.filter((x) => !x.present)) {
    const t0 = Date.now();
    say(`pulling ${c.image} (${c.role}, ${c.source}) …`);
    try {
      const stream = (await docker().pull(c.image)) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        const onDone = (err: Error | null, events: { error?: string }[]): void => {
          const failed = err ?? (events.find((e) => e.error) ? new Error(events.find((e) => e.error)!.error) : null);
          if (failed) reject(failed);
          else resolve();
        };
        docker().modem.followProgress(stream, onDone);
      });
      c.present = true;
      say(`pulled ${c.image} in ${Date.now() - t0} ms`);
    } catch (e) {
      throw new ConfigError(
        `image ${c.image} (${c.role}) is not on this Docker engine and could not be pulled: ${errText(e)}`,
        undefined,
        undefined,
        pullFix(c),
      );
    }
  }
}
