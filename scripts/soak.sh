#!/usr/bin/env bash
# Soak test (not in CI): holds many mixed sessions (half WebSocket, half long-polling) against a
# server in its own JVM, with light traffic and churn, samples the server's heap after GC and its
# live session count, and checks for a flat heap and no leaked sessions (see Soak.java).
#   bash scripts/soak.sh                                        # 10,000 sessions for 10 minutes
#   bash scripts/soak.sh --sessions=4000 --duration-seconds=120 --warmup-seconds=30
# Other options: --sample-seconds=10 --message-every-seconds=20 --churn-percent=1
#   --tolerance-percent=15 --grace-seconds=10 --heartbeat-seconds=15 --server-heap=1g
# Exit status 0 when the heap is flat and no session leaked.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mvn -B -ntp -q -pl samples -am package -DskipTests
exec java ${SOAK_JAVA_OPTS:--Xmx2g} -cp samples/target/comet-bridge.jar io.cometbridge.samples.soak.Soak "$@"
