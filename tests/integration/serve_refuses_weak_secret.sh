#!/bin/sh
# `jbcalling serve` must refuse a weak join-token or TURN secret, from the environment or from a file, with a
# clear message and a non-zero exit, before it opens any port (else it runs until the CTest timeout).
# Usage: serve_refuses_weak_secret.sh <jbcalling> <scratch dir>
bin=$1 dir=$2
serve() { "$bin" serve --listen 127.0.0.1 --port 0 --rtc-port 0 --workers 1 "$@" 2>&1; }

out=$(JB_TOKEN_SECRET=short serve); rc=$?
echo "JB_TOKEN_SECRET=short -> exit $rc: $out"
[ "$rc" -ne 0 ] || exit 1
echo "$out" | grep -q "too weak: 5 bytes, it must be at least 32" || exit 1

printf 'also-too-short\n' >"$dir/weak-secret"
out=$(serve --token-secret-file "$dir/weak-secret"); rc=$?
echo "--token-secret-file (14 bytes) -> exit $rc: $out"
[ "$rc" -ne 0 ] || exit 1
echo "$out" | grep -q "too weak: 14 bytes" || exit 1

out=$(serve --token-secret-file "$dir/does-not-exist"); rc=$?
echo "--token-secret-file (missing) -> exit $rc: $out"
[ "$rc" -ne 0 ] || exit 1
echo "$out" | grep -q "cannot read the join token secret file" || exit 1

out=$(JB_TURN_SECRET=short-turn serve --turn-url "turn:127.0.0.1:3478"); rc=$?
echo "JB_TURN_SECRET=short-turn -> exit $rc: $out"
[ "$rc" -ne 0 ] || exit 1
echo "$out" | grep -q "the TURN secret from JB_TURN_SECRET is too weak: 10 bytes" || exit 1

out=$(env -u JB_TURN_SECRET "$bin" serve --listen 127.0.0.1 --port 0 --rtc-port 0 --workers 1 --turn-url "turn:127.0.0.1:3478" 2>&1); rc=$?
echo "--turn-url without a secret -> exit $rc: $out"
[ "$rc" -ne 0 ] || exit 1
echo "$out" | grep -q "needs a secret" || exit 1
