/**
 * Which image each container of a run uses. Per role: the profile's name, else the environment's, else the locally
 * built `mqtt-lb/*` image when the engine has it, else the official image (pulled on first use). The stand-in and
 * TS-proxy have no official image: on a plain Node base image their built program is copied in (app-stage.ts).
 * A broker kind's images and a balancer kind's image are the kinds' data (`images` in docker/brokers/<kind>.ts,
 * `container.image` in balancer/<kind>/kind.ts).
 */
import Docker from 'dockerode';
import { IMAGES, BUILD_IMAGES_HINT } from './images.js';
import { docker, imageAvailable } from './engine.js';
import { dockerBrokerKinds } from './brokers/index.js';
import type { BrokerImageRole, KindImage } from './brokers/types.js';
import { ConfigError } from '../errors.js';
import { BALANCER_KINDS, balancerKind, type BalancerKindName } from '../balancer/kinds.js';
import type { BalancerKind } from '../balancer/kind.js';

export type ImageRole = BrokerImageRole | BalancerKindName;

export const NODE_BASE_DEFAULT = 'node:20-bookworm-slim';
const nodeBase = (): string => process.env.MQTT_LB_NODE_IMAGE || NODE_BASE_DEFAULT;

interface RoleSpec {
  env: string;
  /** Built by scripts/docker/build-images.sh. */
  local?: () => string;
  official: () => string;
  /** Built entry point copied onto a plain Node base image when no app image exists. */
  appEntry?: string;
  /** Extra ways to get the image, for the error when it can be neither found nor pulled. */
  pullHint?: string;
}

/** One image recipe (a broker kind's or a balancer kind's) as a role. */
function recipeRole(
  owner: string,
  r: { env: string; built?: string; official: string; appEntry?: string; pullHint?: string },
): RoleSpec {
  const images = IMAGES as Record<string, string>;
  if (r.built && !(r.built in images)) throw new Error(`${owner}: no built image '${r.built}' in IMAGES`);
  return {
    env: r.env,
    ...(r.built ? { local: () => images[r.built!]! } : {}),
    official: r.official === 'node-base' ? nodeBase : () => r.official,
    ...(r.appEntry ? { appEntry: r.appEntry } : {}),
    ...(r.pullHint ? { pullHint: r.pullHint } : {}),
  };
}

/** A balancer kind's image, from its container recipe. */
function kindRole(kind: BalancerKind): RoleSpec {
  return recipeRole(`balancer kind ${kind.name}`, kind.container.image);
}

const kindRoles = Object.fromEntries(
  Object.entries(BALANCER_KINDS).map(([name, kind]) => [name, kindRole(kind)]),
) as Record<BalancerKindName, RoleSpec>;

/** The broker kinds' node and service images (a role shared by two kinds must be declared alike). */
const brokerRoles = Object.fromEntries(
  Object.values(dockerBrokerKinds).flatMap((k) =>
    [k.images.node, k.images.service]
      .filter((i): i is KindImage => i !== undefined)
      .map((i) => [i.role, recipeRole(`broker kind ${k.kind}`, i)]),
  ),
) as Record<BrokerImageRole, RoleSpec>;

export const IMAGE_ROLES: Record<ImageRole, RoleSpec> = { ...brokerRoles, ...kindRoles };

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
  const kind = dockerBrokerKinds[broker.kind];
  if (kind) roles.push({ role: kind.images.node.role, explicit: broker.image });
  if (kind?.images.service) roles.push({ role: kind.images.service.role, explicit: broker.redis_image });
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
  const hint = IMAGE_ROLES[c.role].pullHint;
  if (hint) return `docker pull ${c.image} (${hint})`;
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
