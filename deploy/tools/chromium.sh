#!/bin/sh
# Debian's Chromium and chromedriver for the dashboard's browser test (tests/e2e/test_dashboard.py), installed
# when absent. Needs root and Debian's package lists (as on this project's machines and CI).
set -eu
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "the browser test needs Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
}
echo "chromium: $(chromium --version 2>/dev/null | head -1)"
