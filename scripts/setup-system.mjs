#!/usr/bin/env node
// Makes sure the system programs the harness drives are installed (Debian/Ubuntu packages).
// As root with apt-get: installs what is missing. Otherwise: prints the exact command and exits 1.
// Programs only some profiles need are added when asked: `--profile <file.yaml|folder>` (repeatable) adds what those
// profiles need (rabbitmq-server for broker.kind: rabbitmq on the local runtime); `--with rabbitmq` adds it outright.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const { values: args } = parseArgs({
  options: {
    profile: { type: 'string', short: 'p', multiple: true, default: [] },
    with: { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

/** On request only: the programs of one broker kind on the local runtime (the docker runtime brings its own image). */
const BY_KIND = {
  rabbitmq: {
    bin: 'rabbitmq-server',
    file: '/usr/lib/rabbitmq/bin/rabbitmq-server',
    pkg: 'rabbitmq-server',
    why: 'broker kind rabbitmq on the local runtime',
  },
};

/** Broker kinds the given profiles (files or folders of *.yaml) run on the local runtime. */
function kindsOfProfiles(paths) {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => path.join(p, f))
      : [p],
  );
  return files.flatMap((f) => {
    const doc = parseYaml(readFileSync(f, 'utf8')) ?? {};
    return doc.runtime !== 'docker' && doc.broker?.kind ? [doc.broker.kind] : [];
  });
}

const asked = [...new Set([...args.with, ...kindsOfProfiles(args.profile)])];
for (const k of args.with)
  if (!BY_KIND[k]) {
    console.error(`[setup] --with ${k}: expected one of ${Object.keys(BY_KIND).join(', ')}`);
    process.exit(2);
  }

const REQUIRED = [
  { bin: 'haproxy', pkg: 'haproxy', why: 'the HAProxy balancer' },
  { bin: 'redis-server', pkg: 'redis-server', why: 'the stand-in cluster fabric' },
  { bin: 'mosquitto_pub', pkg: 'mosquitto-clients', why: "the guide's mosquitto_pub/mosquitto_sub check" },
  { bin: 'stdbuf', pkg: 'coreutils', why: 'line-buffered mosquitto_sub output' },
];

// Optional: installed when possible, never a reason to fail (the tests that need them skip with the reason).
const OPTIONAL = [
  { bin: 'chromium', pkg: 'chromium', why: 'the report browser test (test/integration/report-browser.test.ts)' },
  {
    bin: 'nginx',
    pkg: 'nginx libnginx-mod-stream',
    file: '/usr/lib/nginx/modules/ngx_stream_module.so',
    why: 'the NGINX balancer (profiles with balancer.kind: nginx)',
  },
];

REQUIRED.push(...asked.flatMap((k) => (BY_KIND[k] ? [BY_KIND[k]] : [])));

const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const present = (r) => (r.file ? existsSync(r.file) : onPath(r.bin));
const missing = REQUIRED.filter((r) => !present(r));
const missingOptional = OPTIONAL.filter((r) => !onPath(r.bin) || (r.file && !existsSync(r.file)));
if (!missing.length && !missingOptional.length) {
  console.log(`[setup] system packages present: ${[...REQUIRED, ...OPTIONAL].map((r) => r.bin).join(', ')}`);
  process.exit(0);
}
const isRoot = process.getuid?.() === 0;
const canInstall = isRoot && existsSync('/usr/bin/apt-get');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
let updated = false;
const aptInstall = (pkgs) => {
  if (!updated) execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  updated = true;
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
};

if (missing.length) {
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  for (const m of missing) console.log(`[setup] missing: ${m.bin} (package ${m.pkg}) — needed for ${m.why}`);
  if (!canInstall) {
    console.error(`[setup] install them with:\n  sudo ${command}\nthen run this command again.`);
    process.exit(1);
  }
  console.log(`[setup] installing: ${pkgs.join(' ')}`);
  aptInstall(pkgs);
  // Debian's package may start its own RabbitMQ service (0.0.0.0:5672, an epmd daemon): the harness runs its own nodes.
  if (
    pkgs.includes('rabbitmq-server') &&
    spawnSync('service', ['rabbitmq-server', 'status'], { stdio: 'ignore' }).status === 0
  )
    spawnSync('service', ['rabbitmq-server', 'stop'], { stdio: 'inherit' });
  const still = missing.filter((r) => !present(r));
  if (still.length) {
    console.error(`[setup] still missing after install: ${still.map((s) => s.bin).join(', ')}`);
    process.exit(1);
  }
}

for (const o of missingOptional) {
  const hint = `apt-get install -y ${o.pkg}`;
  if (!canInstall) {
    console.log(`[setup] optional: ${o.bin} is not installed (${o.why} is skipped); to have it: sudo ${hint}`);
    continue;
  }
  try {
    console.log(`[setup] installing optional: ${o.pkg}`);
    aptInstall(o.pkg.split(' '));
  } catch {
    console.log(`[setup] optional: could not install ${o.pkg}; ${o.why} is skipped (try: ${hint})`);
  }
}
console.log('[setup] done');
