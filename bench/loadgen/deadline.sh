#!/usr/bin/env bash
# The load generator never hangs: against a server that accepts connections but never answers (stopped
# with SIGSTOP), a run with --deadline 2 must exit 4 with its message within a few seconds.
# Usage: deadline.sh <jbcalling> <jb-loadgen>
set -euo pipefail
server=$1 loadgen=$2
port=$((20000 + RANDOM % 20000))
rtc=$((45000 + RANDOM % 10000))
"$server" serve --port "$port" --rtc-port "$rtc" --workers 1 --web-root /nonexistent --log-level warn \
  --no-translation &
pid=$!
trap 'kill -CONT $pid 2>/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
kill -STOP "$pid"
start=$SECONDS
set +e
message=$("$loadgen" --port "$port" --publishers 2 --duration 5 --deadline 2 2>&1 >/dev/null)
code=$?
set -e
elapsed=$((SECONDS - start))
echo "exit $code after ${elapsed}s: $message"
[[ $code -eq 4 ]] || { echo "expected exit 4 (deadline)"; exit 1; }
[[ $message == *deadline* ]] || { echo "expected the deadline message"; exit 1; }
(( elapsed <= 6 )) || { echo "took ${elapsed}s for a 2 s deadline"; exit 1; }
