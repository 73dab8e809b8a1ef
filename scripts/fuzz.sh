#!/usr/bin/env bash
# Long fuzzing run outside CI: mutated frames into every decoder of client input
# (FrameCodec.decode / decodeBatch / decodeBinary) and into a live server over
# long-polling HTTP and WebSocket (FrameCodecFuzzTest, ServerFuzzTest).
#   bash scripts/fuzz.sh                     # 1,000,000 executions per codec decoder, 20,000 per transport
#   N=5000000 N_SERVER=100000 bash scripts/fuzz.sh
#   SECONDS_EACH=600 bash scripts/fuzz.sh    # by time instead: 10 minutes per target
#   SEED=123 bash scripts/fuzz.sh            # replay a run's inputs
# Prints one "FUZZ" line per target: executions, time, rate, outcomes, seed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N="${N:-1000000}"
N_SERVER="${N_SERVER:-20000}"
args=()
[[ -n "${SEED:-}" ]] && args+=("-Dfuzz.seed=$SEED")

run() { # test class, iterations
  local by=("-Dfuzz.iterations=$2")
  [[ -n "${SECONDS_EACH:-}" ]] && by=("-Dfuzz.seconds=$SECONDS_EACH")
  mvn -B -ntp -pl legacy-polling -am test -Dtest="$1" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djunit.jupiter.execution.timeout.default=24h "${by[@]}" "${args[@]}" "${@:3}" \
    | grep -E '^FUZZ|Tests run:|FAIL|escaped|undocumented|BUILD'
}

run FrameCodecFuzzTest "$N"
run ServerFuzzTest "$N_SERVER"
