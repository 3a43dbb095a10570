#!/usr/bin/env bash
# The fleet-mode tests (feature `redis`) start a real redis-server per test: install Debian's
# package when it is missing. CI runs this as root (from .ci/run); elsewhere it needs root too.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends redis-server
# The package's service is not needed: each test starts its own server on a free port.
if command -v service >/dev/null 2>&1; then
    service redis-server stop >/dev/null 2>&1 || true
fi
redis-server --version
