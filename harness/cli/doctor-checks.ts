/** What `mqtt-lb doctor` checks: programs (with versions), Node, the Docker engine and the local images. */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { BALANCER_KINDS } from '../balancer/kinds.js';

export interface Check {
  name: string;
  ok: boolean;
  /** Version or where it was found; or why it is missing. */
  detail: string;
  /** What it is needed for. */
  forWhat: string;
  required: boolean;
  /** Debian package that provides it (grouped into one apt-get line). */
  apt?: string;
  /** Any other command that fixes it. */
  fix?: string;
}

interface ProgramSpec {
  name: string;
  bin: string;
  args: string[];
  version: RegExp;
  apt: string;
  forWhat: string;
  required: boolean;
}

/** The programs balancer kinds run locally (their `process.program`). */
const KIND_PROGRAMS: ProgramSpec[] = Object.values(BALANCER_KINDS).flatMap((k) =>
  k.process.program ? [{ ...k.process.program, forWhat: `the ${k.title} balancer (local runtime)` }] : [],
);

const PROGRAMS: ProgramSpec[] = [
  ...KIND_PROGRAMS,
  {
    name: 'redis-server',
    bin: 'redis-server',
    args: ['--version'],
    version: /v=(\S+)/,
    apt: 'redis-server',
    forWhat: 'the stand-in cluster fabric (local runtime)',
    required: true,
  },
  {
    name: 'mosquitto_pub',
    bin: 'mosquitto_pub',
    args: ['--help'],
    version: /mosquitto_pub version (\S+)/,
    apt: 'mosquitto-clients',
    forWhat: "the guide's mosquitto_pub/_sub checks (pubsub, tls)",
    required: true,
  },
  {
    name: 'mosquitto_sub',
    bin: 'mosquitto_sub',
    args: ['--help'],
    version: /mosquitto_sub version (\S+)/,
    apt: 'mosquitto-clients',
    forWhat: "the guide's mosquitto_pub/_sub checks (pubsub, tls)",
    required: true,
  },
  {
    name: 'stdbuf',
    bin: 'stdbuf',
    args: ['--version'],
    version: /(\d+\.\d+)/,
    apt: 'coreutils',
    forWhat: 'line-buffered mosquitto_sub output',
    required: true,
  },
  {
    name: 'setpriv',
    bin: 'setpriv',
    args: ['--version'],
    version: /util-linux (\S+)/,
    apt: 'util-linux',
    forWhat: 'a parent-death signal, so children die with the harness',
    required: false,
  },
  {
    name: 'chromium',
    bin: 'chromium',
    args: ['--version'],
    version: /Chromium (\S+)/,
    apt: 'chromium',
    forWhat: 'the report browser test (optional)',
    required: false,
  },
];

function which(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function checkProgram(p: ProgramSpec): Check {
  const where = which(p.bin);
  const base = { name: p.name, forWhat: p.forWhat, required: p.required, apt: p.apt };
  if (!where) return { ...base, ok: false, detail: 'not found on PATH' };
  const r = spawnSync(where, p.args, { encoding: 'utf8', timeout: 10_000 });
  const version = p.version.exec(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)?.[1];
  return { ...base, ok: true, detail: `${version ?? 'version unknown'} (${where})` };
}

export function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return {
    name: 'node',
    ok: major >= 20,
    detail: `v${process.versions.node}${major >= 20 ? '' : ' — 20 or newer is needed'}`,
    forWhat: 'the harness itself',
    required: true,
    fix: major >= 20 ? undefined : 'install Node.js 20 or newer',
  };
}

export function checkPlaywright(): Check {
  const base = {
    name: 'playwright-core',
    forWhat: 'the report browser test (optional; drives the system chromium)',
    required: false,
    fix: 'npm ci',
  };
  try {
    const version = (createRequire(import.meta.url)('playwright-core/package.json') as { version: string }).version;
    return { ...base, ok: true, detail: version };
  } catch {
    return { ...base, ok: false, detail: 'not installed in node_modules' };
  }
}

export async function checkDocker(): Promise<Check[]> {
  const { dockerAvailable, missingImages } = await import('../docker/engine.js');
  const { IMAGES, BUILD_IMAGES_HINT } = await import('../docker/images.js');
  const engine = await dockerAvailable(2000);
  const engineCheck: Check = {
    name: 'docker engine',
    ok: engine.ok,
    detail: engine.ok ? `${engine.version} (API ${engine.apiVersion})` : engine.reason,
    forWhat: 'the docker runtime (EMQX nodes, containerised balancers; optional)',
    required: false,
    fix: 'bash scripts/docker/start-dockerd.sh',
  };
  const names = [IMAGES.debian, IMAGES.redis, IMAGES.haproxy, IMAGES.node, IMAGES.standin, IMAGES.tsProxy];
  const missing = engine.ok ? await missingImages(names) : names;
  const images: Check = {
    name: 'mqtt-lb/* images',
    ok: engine.ok && missing.length === 0,
    detail: !engine.ok
      ? 'unknown (no engine)'
      : missing.length
        ? `missing: ${missing.join(', ')}`
        : `${names.length} present`,
    forWhat: 'the docker runtime (built locally, nothing is pulled)',
    required: false,
    fix: BUILD_IMAGES_HINT,
  };
  return [engineCheck, images];
}

export async function runChecks(): Promise<Check[]> {
  return [checkNode(), ...PROGRAMS.map(checkProgram), checkPlaywright(), ...(await checkDocker())];
}

/** The exact commands that install what is missing: one apt-get line, then the other fixes. */
export function installCommands(checks: Check[]): string[] {
  const missing = checks.filter((c) => !c.ok);
  const apt = [...new Set(missing.flatMap((c) => (c.apt ? [c.apt] : [])))];
  const root = process.getuid?.() === 0 ? '' : 'sudo ';
  const out = apt.length ? [`${root}apt-get update && ${root}apt-get install -y ${apt.join(' ')}`] : [];
  for (const fix of new Set(missing.flatMap((c) => (!c.apt && c.fix ? [c.fix] : [])))) out.push(fix);
  return out;
}
