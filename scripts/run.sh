#!/usr/bin/env bash
# Builds the runnable jar and starts the server. Arguments go to the server,
# e.g.  bash scripts/run.sh --port 9090 --prefix /bridge
#       bash scripts/run.sh --help
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Maven's output goes to stderr: stdout carries only the server's own lines (the start line is
# parsed by scripts). A first build takes a while, so each module is named as it starts; the full
# log is shown only if the build fails. Maven 3.8 prints colour resets even in batch mode: stripped.
log="$(mktemp "${TMPDIR:-/tmp}/comet-bridge-build.XXXXXX")"
trap 'rm -f "$log"' EXIT
echo "run.sh: building samples/target/comet-bridge.jar (mvn package; the first build downloads and compiles, later ones are quick)" >&2
set +e
mvn -B -ntp -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package 2>&1 \
  | sed -u 's/\x1b\[[0-9;]*[A-Za-z]//g' \
  | tee "$log" \
  | sed -un 's/^\[INFO\] Building \(Comet Bridge[^[]*[^[ ]\) *\(\[.*\)\{0,1\}$/run.sh:   \1/p' >&2
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "run.sh: the build failed; Maven said:" >&2
  grep -E '^\[(ERROR|WARNING)\]' "$log" | head -50 >&2 || tail -50 "$log" >&2
  exit "$status"
fi
exec java ${JAVA_OPTS:-} -jar samples/target/comet-bridge.jar "$@"
