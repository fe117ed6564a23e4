#!/usr/bin/env bash
# Make sure a local Docker engine answers `docker info`.
#
# Idempotent: if an engine already answers (honouring DOCKER_HOST), do nothing. Otherwise, as root, install
# Debian's docker.io if dockerd is missing, start dockerd in the background (overlay2, logs to a file) and wait
# until it answers. Works without a TTY (CI=true). Exit codes: 0 engine up, 1 could not start, 2 not root.
#
# Environment:
#   DOCKERD_LOG        log file of the started dockerd     (default /var/log/mqtt-lb-dockerd.log)
#   DOCKERD_WAIT_S     seconds to wait for `docker info`   (default 60)
#   DOCKERD_STORAGE    storage driver                      (default overlay2)
#   DOCKERD_NO_INSTALL=1  never apt-get install docker.io
set -euo pipefail

LOG="${DOCKERD_LOG:-/var/log/mqtt-lb-dockerd.log}"
WAIT_S="${DOCKERD_WAIT_S:-60}"
STORAGE="${DOCKERD_STORAGE:-overlay2}"
PIDFILE=/var/run/docker.pid
export DEBIAN_FRONTEND=noninteractive

say() { printf '[start-dockerd] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit "${2:-1}"; }

# `docker info` bounded in time: a mute daemon must not hang us.
engine_ok() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 10 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

report_ok() {
  local v
  v="$(timeout 10 docker info --format '{{.ServerVersion}} storage={{.Driver}} cgroup={{.CgroupVersion}}' 2>/dev/null || true)"
  say "docker engine is up: ${v:-?}"
}

if engine_ok; then report_ok; exit 0; fi

# Several processes (helpers, CI steps) may call us at once: serialise the start.
exec 9>/tmp/mqtt-lb-start-dockerd.lock
flock -w $((WAIT_S + 120)) 9 || die "could not take /tmp/mqtt-lb-start-dockerd.lock"
if engine_ok; then report_ok; exit 0; fi

if [ -n "${DOCKER_HOST:-}" ] && [[ "${DOCKER_HOST}" != unix:///var/run/docker.sock ]]; then
  die "DOCKER_HOST=${DOCKER_HOST} does not answer; not starting a local dockerd for a remote/custom engine"
fi

[ "$(id -u)" = 0 ] || die "no docker engine answers and we are not root: start dockerd yourself (or run this as root)" 2

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  [ "${DOCKERD_NO_INSTALL:-0}" = 1 ] && die "dockerd is not installed and DOCKERD_NO_INSTALL=1"
  say "installing docker.io (apt-get) ..."
  t0=$(date +%s)
  # an update can fail partially (one unreachable source); the install tells whether we got what we need
  apt-get update -qq >/dev/null 2>&1 || say "apt-get update reported errors; trying the install anyway"
  apt-get install -y -qq --no-install-recommends docker.io iptables ca-certificates >/dev/null \
    || die "apt-get install docker.io failed"
  say "docker.io installed in $(( $(date +%s) - t0 )) s"
fi

# A dockerd that is already running but not answering yet (starting up): just wait for it.
running_pid=""
if [ -f "$PIDFILE" ]; then
  p="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q dockerd "/proc/$p/comm" 2>/dev/null; then
    running_pid="$p"
    say "dockerd (pid $p) is running but not answering yet; waiting"
  else
    say "removing stale $PIDFILE (pid ${p:-?} is gone)"
    rm -f "$PIDFILE"
  fi
fi

if [ -z "$running_pid" ]; then
  mkdir -p "$(dirname "$LOG")"
  say "starting dockerd (storage=$STORAGE, log=$LOG)"
  # setsid + nohup: dockerd must outlive this script, its shell job and CI step.
  setsid nohup dockerd --storage-driver="$STORAGE" --pidfile="$PIDFILE" >>"$LOG" 2>&1 </dev/null &
  running_pid=$!
fi

t0=$(date +%s%N)
deadline=$(( $(date +%s) + WAIT_S ))
while ! engine_ok; do
  if ! kill -0 "$running_pid" 2>/dev/null && ! { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }; then
    say "dockerd exited; last lines of $LOG:"
    tail -n 25 "$LOG" >&2 || true
    die "dockerd did not stay up"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "last lines of $LOG:"
    tail -n 25 "$LOG" >&2 || true
    die "dockerd did not answer 'docker info' within ${WAIT_S}s"
  fi
  sleep 0.5
done
say "dockerd answered after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
report_ok
