#!/usr/bin/env bash
# CI smoke run of the load generator: a real server on loopback, 2 publishers + 2 subscribers for
# 10 s; fails unless packets flow with zero loss. Usage: smoke.sh <jbcalling> <jb-loadgen>
set -euo pipefail
server=$1 loadgen=$2
port=$((20000 + RANDOM % 20000))
rtc=$((45000 + RANDOM % 10000))
"$server" serve --port "$port" --rtc-port "$rtc" --workers 1 --web-root /nonexistent --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
"$loadgen" --port "$port" --publishers 2 --subscribers 2 --duration 10 --server-pid "$pid" --assert-flow
