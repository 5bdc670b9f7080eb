#!/bin/sh
# `make run-observed`: the suite as `make run` starts it, scraped by a real Prometheus (Debian's 2.42, fetched by
# deploy/tools/prometheus.sh) with the suite's rules, at http://127.0.0.1:9090 (SHUZHUAN_PROMETHEUS_PORT). Ctrl-C stops both.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
"$root/deploy/tools/prometheus.sh"
port="${SHUZHUAN_PROMETHEUS_PORT:-9090}"
mkdir -p "$root/var/prometheus"
"$root/.tools/prometheus/usr/bin/prometheus" \
    --config.file="$root/deploy/prometheus/prometheus.local.yml" \
    --storage.tsdb.path="$root/var/prometheus" \
    --web.listen-address="127.0.0.1:$port" > "$root/var/prometheus.log" 2>&1 &
prometheus=$!
trap 'kill $prometheus 2>/dev/null || true' EXIT INT TERM
echo "prometheus  http://127.0.0.1:$port  (rules: deploy/prometheus/rules, log: var/prometheus.log)"
"$root/.venv/bin/python" -m devstack run
