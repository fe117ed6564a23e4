#!/bin/sh
# Assembles the minimal Docker build context of proxy/Dockerfile in <out-dir> (same layout as the
# repository root, only the files the image needs). Needed with the legacy builder, which ignores
# proxy/Dockerfile.dockerignore; harmless with BuildKit. Run after `npm run build`.
#   proxy/docker-context.sh /tmp/ts-proxy-ctx
#   docker build -f /tmp/ts-proxy-ctx/proxy/Dockerfile --build-arg BASE=node:20-bookworm-slim -t ts-proxy /tmp/ts-proxy-ctx
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: proxy/docker-context.sh <out-dir>}
[ -f "$root/dist/proxy/main.js" ] || { echo "dist/proxy/main.js missing: run npm run build first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/proxy/docker" "$out/node_modules" "$out/dist"
cp "$root/proxy/Dockerfile" "$out/proxy/Dockerfile"
cp "$root/proxy/docker/package.json" "$out/proxy/docker/package.json"
cp -R "$root/node_modules/yaml" "$root/node_modules/zod" "$out/node_modules/"
cp -R "$root/dist/proxy" "$out/dist/proxy"
rm -rf "$out/dist/proxy/test"
find "$out/dist" -name '*.map' -delete
echo "$out"
