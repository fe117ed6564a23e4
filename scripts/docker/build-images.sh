#!/usr/bin/env bash
# Build the harness's local Docker images from Debian alone (no registry needed), cached by content hash.
#
#   mqtt-lb/debian:bookworm   debootstrap --variant=minbase + docker import (skipped when the image exists)
#   mqtt-lb/redis:7           docker/redis/Dockerfile     (apt redis-server)
#   mqtt-lb/haproxy:2.6       docker/haproxy/Dockerfile   (apt haproxy; cfg at /usr/local/etc/haproxy/haproxy.cfg)
#   mqtt-lb/nginx:1.22        docker/nginx/Dockerfile     (apt nginx libnginx-mod-stream; cfg at /etc/nginx/mqtt-lb/nginx.conf)
#   mqtt-lb/node:20           docker/node/Dockerfile      (the host's own Node 20 binary + ca-certificates)
#   mqtt-lb/rabbitmq:3.10     docker/rabbitmq/Dockerfile  (apt rabbitmq-server 3.10; only when named: 35 s-2 min)
#   mqtt-lb/standin:<version> docker/standin/Dockerfile   (dist/standin + its runtime node_modules closure)
#   mqtt-lb/ts-proxy:<version> proxy/Dockerfile           (dist/proxy + its runtime node_modules closure)
#
# Every image built here carries the label mqtt-lb.inputs=<sha256 of its staged build context (Dockerfile included),
# the base image's id and the build args>; a build is skipped when the existing image has the same label.
# Build contexts are staged into a temp dir and contain only what the Dockerfile copies.
#
# Usage: scripts/docker/build-images.sh [--force] [IMAGE...]
#   IMAGE: debian redis haproxy nginx node rabbitmq standin ts-proxy (default: all but rabbitmq, whose build takes
#          35 s idle and 2 min on a busy 2-core machine: the nightly rabbitmq-docker test builds it when absent;
#          prerequisites are added automatically)
#   --force            rebuild even when the inputs hash matches (the debian base only if it is also named)
#   --no-cache         with a rebuild, do not use docker's layer cache either
# Environment:
#   MQTT_LB_DEBIAN_BASE=debian:bookworm-slim   use this image as the base of redis/haproxy/node instead of the
#                                              debootstrapped one (for users who have a registry)
#   MQTT_LB_NODE_BASE=node:20-bookworm-slim    base of standin/ts-proxy instead of mqtt-lb/node:20
#   DEBOOTSTRAP_MIRROR=<url>                   override the Debian mirror (default: the one apt uses here)
#   MQTT_LB_PROXY_DOCKERFILE=<path>            Dockerfile for ts-proxy (default proxy/Dockerfile)
#   MQTT_LB_NO_START=1                         do not try scripts/docker/start-dockerd.sh when no engine answers
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
# The CLI here may be newer than the engine and lack buildx: use the classic builder, which every engine has.
export DOCKER_BUILDKIT=0

say() { printf '[build-images] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

FORCE=0
FORCE_BASE=0
NO_CACHE=()
WANT=()
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    --no-cache) NO_CACHE=(--no-cache) ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
    debian) WANT+=("$a"); FORCE_BASE=1 ;;
    redis|haproxy|nginx|node|rabbitmq|standin|ts-proxy) WANT+=("$a") ;;
    *) die "unknown argument: $a" ;;
  esac
done
[ ${#WANT[@]} -eq 0 ] && WANT=(debian redis haproxy nginx node standin ts-proxy)
want() { local x; for x in "${WANT[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
# prerequisites
if want standin || want ts-proxy; then [ -n "${MQTT_LB_NODE_BASE:-}" ] || WANT+=(node); fi
if want redis || want haproxy || want nginx || want node || want rabbitmq; then [ -n "${MQTT_LB_DEBIAN_BASE:-}" ] || WANT+=(debian); fi

VERSION="$(node -p "require('$ROOT/package.json').version")"
IMG_DEBIAN=mqtt-lb/debian:bookworm
IMG_REDIS=mqtt-lb/redis:7
IMG_HAPROXY=mqtt-lb/haproxy:2.6
IMG_NGINX=mqtt-lb/nginx:1.22
IMG_NODE=mqtt-lb/node:20
IMG_RABBITMQ=mqtt-lb/rabbitmq:3.10
IMG_STANDIN="mqtt-lb/standin:$VERSION"
IMG_PROXY="mqtt-lb/ts-proxy:$VERSION"
DEBIAN_BASE="${MQTT_LB_DEBIAN_BASE:-$IMG_DEBIAN}"
NODE_BASE="${MQTT_LB_NODE_BASE:-$IMG_NODE}"
LABEL=mqtt-lb.inputs

if ! timeout 10 docker info >/dev/null 2>&1; then
  [ "${MQTT_LB_NO_START:-0}" = 1 ] && die "no docker engine answers (run scripts/docker/start-dockerd.sh)"
  "$HERE/start-dockerd.sh" || die "no docker engine"
fi

# One build at a time on this machine (helpers and CI steps may call us concurrently).
exec 9>/tmp/mqtt-lb-build-images.lock
flock -w 1200 9 || die "could not take /tmp/mqtt-lb-build-images.lock"

WORK="$(mktemp -d /tmp/mqtt-lb-build.XXXXXX)"
ROOTFS=""
cleanup() {
  rm -rf "$WORK"
  [ -n "$ROOTFS" ] && rm -rf "$ROOTFS"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T_ALL=$(now_ms)
SUMMARY=()
record() { SUMMARY+=("$(printf '%-28s %-9s %6d ms' "$1" "$2" "$3")"); say "$1: $2 in $3 ms"; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{ .Id }}' "$1" 2>/dev/null || echo none; }

# sha256 over the tree's file contents, modes and symlinks (paths sorted bytewise)
tree_hash() {
  (cd "$1" && {
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
    find . \( -type f -o -type l \) -printf '%m %p -> %l\n' | LC_ALL=C sort
  } | sha256sum | cut -c1-64)
}

# The Debian mirror apt uses here (first bookworm/main Packages target), for debootstrap.
detect_mirror() {
  local m
  m="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' 2>/dev/null \
        | awk '$2=="bookworm" && $3=="main" {print $1; exit}')"
  if [ -z "$m" ]; then
    m="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | grep -Eo '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?[a-z]+://[^[:space:]]+' \
          | grep -Eo '[a-z]+://[^[:space:]]+' | grep -v -- '-security' | grep -i debian | head -n1 || true)"
  fi
  echo "${m:-http://deb.debian.org/debian/}"
}

build_debian() {
  local t0; t0=$(now_ms)
  if image_exists "$IMG_DEBIAN" && ! { [ "$FORCE" = 1 ] && [ "$FORCE_BASE" = 1 ]; }; then record "$IMG_DEBIAN" cached $(( $(now_ms) - t0 )); return; fi
  [ "$(id -u)" = 0 ] || die "debootstrap needs root"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap (apt-get) ..."
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends debootstrap >/dev/null || die "apt-get install debootstrap failed"
  fi
  local mirror sec
  mirror="${DEBOOTSTRAP_MIRROR:-$(detect_mirror)}"
  mirror="${mirror%/}"
  sec="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null \
          | awk '$2=="bookworm-security" {print $1; exit}')"
  sec="${sec:-${mirror%/debian}/debian-security}"
  sec="${sec%/}"
  ROOTFS="$(mktemp -d /var/tmp/mqtt-lb-rootfs.XXXXXX)"
  say "debootstrap --variant=minbase bookworm from $mirror (log: $WORK/debootstrap.log) ..."
  if ! debootstrap --variant=minbase bookworm "$ROOTFS" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  # Same sources as the host (incl. updates and security), no daemons started by package scripts, small apt.
  rm -f "$ROOTFS/etc/apt/sources.list"
  cat >"$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $sec
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
  chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
  cat >"$ROOTFS/etc/apt/apt.conf.d/90mqtt-lb" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
EOF
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/*.log \
         "$ROOTFS"/var/log/apt/* "$ROOTFS"/tmp/* "$ROOTFS"/etc/hostname "$ROOTFS"/etc/resolv.conf
  : >"$ROOTFS/etc/resolv.conf"
  say "importing rootfs ($(du -sh "$ROOTFS" | cut -f1)) as $IMG_DEBIAN ..."
  tar --numeric-owner -C "$ROOTFS" -c . | docker import \
      --change 'CMD ["/bin/bash"]' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --message "debootstrap --variant=minbase bookworm $mirror" \
      - "$IMG_DEBIAN" >/dev/null || die "docker import failed"
  rm -rf "$ROOTFS"; ROOTFS=""
  record "$IMG_DEBIAN" built $(( $(now_ms) - t0 ))
}

# build_from_stage NAME TAG BASE STAGE_DIR   (STAGE_DIR holds the Dockerfile and everything it copies)
build_from_stage() {
  local name="$1" tag="$2" base="$3" stage="$4" t0="$5" hash cur
  image_exists "$base" || die "$tag: base image $base is missing"
  hash="$( { tree_hash "$stage"; echo "base=$(image_id "$base")"; echo "BASE=$base"; } | sha256sum | cut -c1-64)"
  cur="$(image_label "$tag")"
  if [ "$cur" = "$hash" ] && [ "$FORCE" = 0 ]; then record "$tag" cached $(( $(now_ms) - t0 )); return; fi
  say "building $tag (context $(du -sh "$stage" | cut -f1)) ..."
  local old; old="$(image_id "$tag")"
  if ! docker build "${NO_CACHE[@]}" --rm --force-rm --build-arg "BASE=$base" --label "$LABEL=$hash" -t "$tag" "$stage" \
        >"$WORK/$name.build.log" 2>&1; then
    tail -n 40 "$WORK/$name.build.log" >&2
    die "docker build of $tag failed"
  fi
  # drop the replaced image if nothing else uses it (no tag left, no container): no dangling pile-up
  if [ "$old" != none ] && [ "$old" != "$(image_id "$tag")" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
  record "$tag" built $(( $(now_ms) - t0 ))
}

stage_dockerfile() { # NAME SRC_DOCKERFILE -> prints stage dir
  local d="$WORK/ctx-$1"; mkdir -p "$d"; cp "$2" "$d/Dockerfile"; echo "$d"
}

build_simple() { # NAME TAG
  local t0; t0=$(now_ms)
  local stage; stage="$(stage_dockerfile "$1" "$ROOT/docker/$1/Dockerfile")"
  build_from_stage "$1" "$2" "$DEBIAN_BASE" "$stage" "$t0"
}

build_node() {
  local t0; t0=$(now_ms)
  local stage nodebin; stage="$(stage_dockerfile node "$ROOT/docker/node/Dockerfile")"
  nodebin="$(node -p process.execPath)"
  case "$(node -p 'process.versions.node.split(".")[0]')" in
    20) ;; *) say "warning: host node is $(node --version), the image is tagged :20" ;;
  esac
  ln "$nodebin" "$stage/node" 2>/dev/null || cp "$nodebin" "$stage/node"
  build_from_stage node "$IMG_NODE" "$DEBIAN_BASE" "$stage" "$t0"
}

# stage_app NAME ENTRY DOCKERFILE -> stage dir with Dockerfile, package.json (type module), the entry's
# directory under dist/ and the runtime node_modules closure (scripts/docker/runtime-files.mjs)
stage_app() {
  local name="$1" entry="$2" dockerfile="$3" stage list
  stage="$(stage_dockerfile "$name" "$dockerfile")"
  list="$WORK/$name.files"
  node "$HERE/runtime-files.mjs" --root "$ROOT" --entry "$entry" >"$list" || die "$name: runtime file list failed"
  tar -C "$ROOT" --no-recursion -cf - -T "$list" | tar -C "$stage" -xf -
  node -e '
    const p = require(process.argv[1]);
    process.stdout.write(JSON.stringify({ name: p.name + "-" + process.argv[2], version: p.version,
      private: true, type: "module", license: p.license }, null, 2) + "\n");' \
    "$ROOT/package.json" "$name" >"$stage/package.json"
  echo "$stage"
}

build_standin() {
  local t0; t0=$(now_ms)
  if [ ! -f "$ROOT/dist/standin/node.js" ]; then
    say "skipping $IMG_STANDIN: dist/standin/node.js is absent (build the project first: npm run build)"
    record "$IMG_STANDIN" skipped 0; return
  fi
  local stage; stage="$(stage_app standin dist/standin/node.js "$ROOT/docker/standin/Dockerfile")"
  build_from_stage standin "$IMG_STANDIN" "$NODE_BASE" "$stage" "$t0"
}

build_proxy() {
  local t0; t0=$(now_ms)
  local df="${MQTT_LB_PROXY_DOCKERFILE:-$ROOT/proxy/Dockerfile}"
  if [ ! -f "$df" ]; then
    say "skipping $IMG_PROXY: $df is absent"; record "$IMG_PROXY" skipped 0; return
  fi
  if [ ! -f "$ROOT/dist/proxy/main.js" ]; then
    say "skipping $IMG_PROXY: dist/proxy/main.js is absent (build the project first: npm run build)"
    record "$IMG_PROXY" skipped 0; return
  fi
  local stage; stage="$(stage_app ts-proxy dist/proxy/main.js "$df")"
  # proxy/Dockerfile's context is the repository root: it copies proxy/docker/package.json (its own minimal one)
  if [ -f "$ROOT/proxy/docker/package.json" ]; then
    mkdir -p "$stage/proxy/docker" && cp "$ROOT/proxy/docker/package.json" "$stage/proxy/docker/package.json"
  fi
  build_from_stage ts-proxy "$IMG_PROXY" "$NODE_BASE" "$stage" "$t0"
}

want debian && [ -z "${MQTT_LB_DEBIAN_BASE:-}" ] && build_debian
want redis && build_simple redis "$IMG_REDIS"
want haproxy && build_simple haproxy "$IMG_HAPROXY"
want nginx && build_simple nginx "$IMG_NGINX"
want node && build_node
want rabbitmq && build_simple rabbitmq "$IMG_RABBITMQ"
want standin && build_standin
want ts-proxy && build_proxy

say "summary (total $(( $(now_ms) - T_ALL )) ms):"
printf '  %s\n' "${SUMMARY[@]}" >&2
