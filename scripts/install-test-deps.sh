#!/usr/bin/env bash
# Installs the system packages the test suites need (Debian/Ubuntu):
#   chromium, chromium-driver, squid, nginx, redis-server, nodejs and npm (the browser client's package:
#   its build check and node tests; the official CometD JavaScript client for the Bayeux tests, from
#   legacy-polling/src/test/js/package-lock.json: those tests run `npm ci` themselves;
#   and the benchmark's Socket.IO peer, which BenchSmokeTest starts)
#
# Idempotent: packages whose binary is already present are skipped.
# Tests start their own squid/nginx/redis instances on loopback ephemeral
# ports, so any system daemon a package's postinst starts is stopped again.
#
# Not root and something missing: prints what to install and warns;
# exits non-zero only when COMET_REQUIRE_ALL_DEPS=1.
set -euo pipefail

log() { echo "[install-test-deps] $*"; }

# package -> binary that proves it is installed
PACKAGES=(chromium chromium-driver squid nginx redis-server nodejs npm)
binary_for() {
  case "$1" in
    chromium)        echo /usr/bin/chromium ;;
    chromium-driver) echo /usr/bin/chromedriver ;;
    squid)           echo /usr/sbin/squid ;;
    nginx)           echo /usr/sbin/nginx ;;
    redis-server)    echo /usr/bin/redis-server ;;
    nodejs)          echo /usr/bin/node ;;
    npm)             echo /usr/bin/npm ;;
  esac
}

have_binary() {
  local bin
  bin="$(binary_for "$1")"
  [[ -x "$bin" ]] || command -v "$(basename "$bin")" >/dev/null 2>&1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if have_binary "$pkg"; then
    log "ok: $pkg ($(binary_for "$pkg"))"
  else
    log "missing: $pkg"
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all test dependencies present"
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  log "WARNING: not root, cannot install: ${missing[*]}"
  log "install them with:"
  log "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "${COMET_REQUIRE_ALL_DEPS:-0}" == "1" ]]; then
    log "COMET_REQUIRE_ALL_DEPS=1: failing"
    exit 1
  fi
  log "continuing; tests that need them will be skipped or fail"
  exit 0
fi

# Keep package postinst scripts from starting daemons where policy-rc.d is honoured
# (invoke-rc.d). Only install our policy if none exists, and remove it afterwards.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

# apt's output goes to a log file, shown only if a step fails.
apt_log="$(mktemp -t install-test-deps.XXXXXX.log)"
run_apt() {
  if ! "$@" >>"$apt_log" 2>&1; then
    tail -n 40 "$apt_log" >&2
    log "ERROR: '$*' failed (full log: $apt_log)"
    exit 1
  fi
}

start=$(date +%s)
log "apt-get update"
run_apt apt-get update
log "apt-get install ${missing[*]} (takes ~30-60s)"
run_apt env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
log "installed in $(( $(date +%s) - start ))s (apt log: $apt_log)"

# Make sure no system daemon is left running: tests run their own instances.
for svc in squid nginx redis-server; do
  service "$svc" stop >/dev/null 2>&1 || true
done
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  systemctl disable --now squid nginx redis-server >/dev/null 2>&1 || true
fi

# Check nothing listens on the default ports any more.
listening_on() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    # /proc/net/tcp{,6}: local address column, state 0A = LISTEN
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" {found=1} END {exit !found}' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null
  fi
}
for port in 3128 80 6379; do
  if listening_on "$port"; then
    log "WARNING: something still listens on port $port"
  fi
done

for pkg in "${missing[@]}"; do
  if ! have_binary "$pkg"; then
    log "ERROR: $pkg still missing after install"
    exit 1
  fi
done
log "done"
