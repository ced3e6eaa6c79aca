#!/usr/bin/env bash
# bench/run.sh BUILD — every benchmark, each printing a ratio against a peer
# measured in the same run. Needs ../shared (seed data, datasets) beside the
# checkout for the API benchmark; the others make their own data.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../.." && pwd)/shared
# The evaluation benches read ../shared relative to the checkout.
export TAILOR_SRC=$(cd "$here/.." && pwd)
cd "$TAILOR_SRC"

for b in "$build"/bench/bench_*; do
    [ -x "$b" ] || continue
    # The encoder benchmark runs below, beside its peers.
    [ "$(basename "$b")" = bench_encoder ] && continue
    echo "== $(basename "$b")"
    "$b"
done

echo "== propensity model against scikit-learn, on the same test rows"
py=${TAILOR_PEERS_PYTHON:-/usr/bin/python3}   # Debian's, where python3-sklearn lives
bank="$shared/datasets/uci-bank-marketing/bank-additional-full.csv"
if [ ! -f "$bank" ]; then
    echo "skipped: $bank not found"
elif ! "$py" -c 'import sklearn' >/dev/null 2>&1; then
    echo "skipped: scikit-learn not installed (bash tools/install-deps.sh --bench installs python3-sklearn)"
else
    "$py" "$here/peer_propensity.py" "$build/tailor" "$bank"
fi

echo "== batch scoring against the prototype's recommendation step, every customer"
bash "$here/score_peers.sh" "$build"

echo "== customer list against a Python service filtering in memory"
bash "$here/list_peers.sh" "$build"

echo "== encoder against PyTorch and ONNX Runtime"
bash "$here/encoder_peers.sh" "$build"

if [ -d "$shared/seed-data" ]; then
    echo "== API under wrk (16 and 1 connections, 10 s each)"
    bash "$here/api.sh" "$build/tailor" "$shared/seed-data"
else
    echo "== API benchmark skipped: $shared/seed-data not found"
fi
