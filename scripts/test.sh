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

# The Spring Boot sample is built apart (Boot manages its own versions) by SpringBootSampleTest,
# which reads ~/.m2 as a repository: fetch Boot's artifacts there first (the bridge's own come from
# this build, never from a repository).
echo "[test] samples/spring-boot: mvn dependency:go-offline (Boot's artifacts into the local repository)"
mvn -B -ntp -q -f samples/spring-boot/pom.xml dependency:go-offline -DexcludeGroupIds=io.cometbridge

echo "[test] mvn -B -ntp verify $*"
exec mvn -B -ntp verify "$@"
