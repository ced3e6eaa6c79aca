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

echo "== encoder against PyTorch and ONNX Runtime"
bash "$here/encoder_peers.sh" "$build"

if [ -d "$shared/seed-data" ]; then
    echo "== API under wrk (16 connections, 10 s each)"
    bash "$here/api.sh" "$build/tailor" "$shared/seed-data"
else
    echo "== API benchmark skipped: $shared/seed-data not found"
fi
