#!/usr/bin/env bash
# Builds the runnable jar and starts the server. Arguments go to the server,
# e.g.  bash scripts/run.sh --port 9090 --prefix /bridge
#       bash scripts/run.sh --help
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Maven's output goes to stderr: stdout carries only the server's own lines (the start line
# is parsed by scripts); Maven 3.8 prints colour resets even with -B -q.
mvn -B -ntp -q -DskipTests package >&2
exec java ${JAVA_OPTS:-} -jar samples/target/comet-bridge.jar "$@"
