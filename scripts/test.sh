#!/usr/bin/env bash
# The one test command: installs the system test dependencies (chromium,
# chromedriver, squid, nginx, redis-server), then builds and tests every
# module. Extra arguments go to Maven, e.g.
#   bash scripts/test.sh -pl samples -am -Dtest=DeploymentFilesTest -Dsurefire.failIfNoSpecifiedTests=false
# Exits with Maven's status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-test-deps.sh

echo "[test] mvn -B -ntp verify $*"
exec mvn -B -ntp verify "$@"
