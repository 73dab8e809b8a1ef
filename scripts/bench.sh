#!/usr/bin/env bash
# The benchmark: Comet Bridge vs Socket.IO 4.8 vs CometD 8, on WebSocket and long-polling,
# workloads echo, fan-out, idle and connect storm, interleaved and repeated (docs/BENCHMARK.md).
#   bash scripts/bench.sh                 # full run (~45 min on 2 cores): table on stdout, report under reports/
#   bash scripts/bench.sh --quick         # short smoke run (~2 min), figures not meaningful
#   bash scripts/bench.sh --help          # every option
#   bash scripts/bench.sh --workloads echo --systems bridge,socketio --repeat 5
#   bash scripts/bench.sh --scale-out --workloads echo   # the bridge: 1 node in memory vs 1 and 2 nodes on Redis
# Builds what it needs first: the server jar (Maven), the Socket.IO peer (npm ci) and the CometD
# peer (its own Maven project). Needs java 17, mvn, node and npm (scripts/install-test-deps.sh).
# Progress goes to stderr, the table to stdout. BENCH_JAVA_OPTS sets the load generator's JVM options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "[bench] $*" >&2; }

# --scale-out compares the bridge with itself (one node, one node on Redis, two nodes on Redis):
# it needs redis-server instead of the peers.
scale_out=false
[[ " $* " == *" --scale-out "* ]] && scale_out=true
tools="java mvn node npm"
$scale_out && tools="java mvn redis-server"
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing: $tool (bash scripts/install-test-deps.sh installs it)"; exit 2; }
done

# 10,000 sessions need 10,000 sockets in the load generator and in the server: lift the soft
# open-files limit to the hard one (raising the hard limit needs privileges containers rarely give).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "open files limit: $(ulimit -n)"

if [[ " $* " == *" --help "* || " $* " == *" -h "* ]] && [[ -f samples/target/comet-bridge.jar ]]; then
  exec java -cp samples/target/comet-bridge.jar io.cometbridge.samples.bench.Bench --help
fi

log "building the server jar"
mvn -B -ntp -q -pl samples -am -DskipTests package >&2
if ! $scale_out; then
  log "npm ci (Socket.IO peer)"
  (cd samples/peers/socketio && npm ci --no-audit --no-fund --loglevel=error) >&2
  log "building the CometD peer"
  mvn -B -ntp -q -f samples/peers/cometd/pom.xml package >&2
fi

exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp samples/target/comet-bridge.jar io.cometbridge.samples.bench.Bench "$@"
