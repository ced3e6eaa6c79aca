#!/usr/bin/env bash
# run-fuzz.sh BUILD RUNS — runs every fuzz target in BUILD for RUNS inputs,
# seeded from its committed corpus fuzz/corpus/<target>/; fails on any crash.
set -euo pipefail
build=$1 runs=$2
shopt -s nullglob
n=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    work=$(mktemp -d)
    seeds=()
    [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
    echo "fuzz: $name ($runs runs)"
    ASAN_OPTIONS=detect_leaks=1 "$bin" -runs="$runs" -max_len=4096 -timeout=10 \
        "$work" "${seeds[@]}" >"$work.log" 2>&1 || { tail -40 "$work.log"; exit 1; }
    rm -rf "$work" "$work.log"
    n=$((n + 1))
done
echo "fuzz: $n targets passed"
