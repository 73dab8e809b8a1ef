#!/usr/bin/env bash
# Builds the runnable jar and starts the server. Arguments go to the server,
# e.g.  bash scripts/run.sh --port 9090 --prefix /bridge
#       bash scripts/run.sh --help
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mvn -B -ntp -q -DskipTests package
exec java ${JAVA_OPTS:-} -jar samples/target/comet-bridge.jar "$@"
