#!/usr/bin/env bash
# Chaos run outside CI: N sessions stream messages both ways through a fault-injecting relay
# while transports are killed and switched at random (legacy-polling ChaosTest).
#   bash scripts/chaos.sh                      # 200 sessions x 2,500 each way = 1,000,000 messages
#   SESSIONS=400 MESSAGES=5000 bash scripts/chaos.sh
#   RUNS=5 bash scripts/chaos.sh               # five runs, each with its own seed
#   bash scripts/chaos.sh --cluster            # the same size against three bridge JVMs on a real
#                                              # redis-server behind a round-robin nginx, nodes killed
#                                              # (-9) and restarted, transports switched (ScaleOutTest)
# Extra arguments go to Maven (e.g. -Dchaos.seed=123 -Dchaos.faultsPerRound=4).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SESSIONS="${SESSIONS:-200}"
MESSAGES="${MESSAGES:-2500}"
RUNS="${RUNS:-1}"
CLUSTER=0
if [[ "${1:-}" == "--cluster" ]]; then CLUSTER=1; shift; fi
DEADLINE="${DEADLINE:-200}"

for run in $(seq 1 "$RUNS"); do
  echo "[chaos] run $run/$RUNS: $SESSIONS sessions x $MESSAGES messages each way$([[ $CLUSTER == 1 ]] && echo ', three nodes on Redis')"
  if [[ $CLUSTER == 1 ]]; then
    mvn -B -ntp -pl samples -am verify -Dtest='ScaleOutTest#killedNodesLoseNothingAndDuplicateNothing' \
      -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true -Djunit.jupiter.execution.timeout.default=60m \
      -Dscaleout.clients="$SESSIONS" -Dscaleout.messages="$MESSAGES" "$@" \
      | grep -E '^ScaleOutTest|Tests run:|FAIL|BUILD|lacks'
    continue
  fi
  mvn -B -ntp -pl legacy-polling -am test -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dchaos.sessions="$SESSIONS" -Dchaos.messages="$MESSAGES" -Dchaos.deadlineSeconds="$DEADLINE" "$@" \
    | grep -E '^CHAOS|Tests run:|FAIL|BUILD'
done
