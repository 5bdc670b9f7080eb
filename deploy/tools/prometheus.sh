#!/bin/sh
# Debian's Prometheus 2.42 (prometheus and promtool) unpacked into .tools/prometheus, without installing the
# package (nothing is started, no root needed when the package lists are present).
set -eu
dest="$(dirname "$0")/../../.tools/prometheus"
[ -x "$dest/usr/bin/promtool" ] && exit 0
mkdir -p "$dest"
cd "$dest"
if ! apt-get download prometheus >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null && apt-get download prometheus >/dev/null
    else
        echo "cannot fetch Debian's prometheus package: run 'sudo apt-get update' (or install prometheus) and retry" >&2
        exit 1
    fi
fi
dpkg-deb -x prometheus_*.deb . && rm -f prometheus_*.deb
echo "promtool: $(./usr/bin/promtool --version 2>&1 | head -1)"
