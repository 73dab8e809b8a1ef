#!/usr/bin/env bash
# The one test command: installs the system test dependencies (chromium,
# chromedriver, squid, nginx, redis-server, node and npm), verifies the browser
# client's package (bridge/client-js), then builds and tests every Maven
# module. Extra arguments go to Maven, e.g.
#   bash scripts/test.sh -pl samples -am -Dtest=DeploymentFilesTest -Dsurefire.failIfNoSpecifiedTests=false
# Exits with Maven's status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-test-deps.sh

# The browser client's package first: its type check, its node tests (the shared case and code
# tables among them), and that the committed dist/ (which the server serves) is a fresh build.
echo "[test] bridge/client-js: npm ci && npm run verify"
(cd bridge/client-js && npm ci --no-audit --no-fund && npm run verify)

echo "[test] mvn -B -ntp verify $*"
exec mvn -B -ntp verify "$@"
