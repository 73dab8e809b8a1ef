#!/usr/bin/env bash
# Chaos run outside CI: N sessions stream messages both ways through a fault-injecting relay
# while transports are killed and switched at random (legacy-polling ChaosTest).
#   bash scripts/chaos.sh                      # 200 sessions x 2,500 each way = 1,000,000 messages
#   SESSIONS=400 MESSAGES=5000 bash scripts/chaos.sh
#   RUNS=5 bash scripts/chaos.sh               # five runs, each with its own seed
# Extra arguments go to Maven (e.g. -Dchaos.seed=123 -Dchaos.faultsPerRound=4).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SESSIONS="${SESSIONS:-200}"
MESSAGES="${MESSAGES:-2500}"
RUNS="${RUNS:-1}"
DEADLINE="${DEADLINE:-200}"

for run in $(seq 1 "$RUNS"); do
  echo "[chaos] run $run/$RUNS: $SESSIONS sessions x $MESSAGES messages each way"
  mvn -B -ntp -pl legacy-polling -am test -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dchaos.sessions="$SESSIONS" -Dchaos.messages="$MESSAGES" -Dchaos.deadlineSeconds="$DEADLINE" "$@" \
    | grep -E '^CHAOS|Tests run:|FAIL|BUILD'
done
