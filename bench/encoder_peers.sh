#!/usr/bin/env bash
# encoder_peers.sh [BUILD] — the encoder benchmark with its peers in the same
# run: tailor (BUILD/bench/bench_encoder), PyTorch (Debian python3-torch,
# ../shared/peers/torch_bert.py) and ONNX Runtime (npm onnxruntime-node 1.30,
# ../shared/peers/ort_bench.mjs on the model ../shared/peers/export_onnx.py
# exports), all on the MiniLM-L6 shape with random weights: batch 32 × 64
# tokens with 1 and 2 threads, and one 1 × 32 query. Engines are measured
# alternately, figure by figure, for TAILOR_BENCH_ROUNDS rounds (default 3;
# the order flips each round), and the table gives medians, so a change in
# the machine's load hits every engine alike.
#
# Peers are set up in a scratch folder outside the checkout
# ($TAILOR_PEERS_DIR, default ~/.cache/tailor-encoder-peers): the peers'
# scripts are copied there, onnxruntime-node is npm-installed there with
# --ignore-scripts, and the ONNX model is exported there once. A peer that
# cannot be installed or run is reported and skipped; tailor's figures are
# printed regardless. TAILOR_BENCH_SECONDS (default 5) is tailor's time per
# figure; the peers' scripts use 5.
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../.." && pwd)/shared
work=${TAILOR_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tailor-encoder-peers}
rounds=${TAILOR_BENCH_ROUNDS:-3}
py=${TAILOR_PEERS_PYTHON:-/usr/bin/python3}   # Debian's, where python3-torch lives
results=$(mktemp)
model=$(mktemp -d)
trap 'rm -rf "$results" "$model"' EXIT

note() { echo "encoder peers: $*"; }

bench="$build/bench/bench_encoder"
if [ ! -x "$bench" ]; then
    echo "encoder peers: $bench not built (cmake --build $build)" >&2
    exit 1
fi
"$bench" --write-model "$model" || exit 1

# --- set up the peers ------------------------------------------------------
have_scripts=0
if [ ! -f "$shared/peers/torch_bert.py" ]; then
    note "peer scripts not found in $shared/peers; peers skipped"
elif ! mkdir -p "$work" || ! cp -f "$shared/peers/torch_bert.py" "$shared/peers/export_onnx.py" \
                                   "$shared/peers/ort_bench.mjs" "$work/"; then
    note "cannot set up the peers in $work; peers skipped"
else
    have_scripts=1
fi

have_torch=0
torch_name=pytorch
if [ $have_scripts = 1 ]; then
    if v=$("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null); then
        have_torch=1
        torch_name="pytorch-$v"
    else
        note "PyTorch not installed (bash tools/install-deps.sh --bench installs python3-torch)"
    fi
fi

have_ort=0
if [ $have_scripts = 1 ]; then
    if [ ! -f "$work/node_modules/onnxruntime-node/package.json" ]; then
        if ! command -v npm >/dev/null; then
            note "npm not found; ONNX Runtime skipped"
        elif ! (cd "$work" && npm install --ignore-scripts --no-audit --no-fund \
                    onnxruntime-node@1.30 >"$work/npm.log" 2>&1); then
            note "npm install onnxruntime-node@1.30 failed (see $work/npm.log); ONNX Runtime skipped"
        fi
    fi
    if [ ! -f "$work/minilm_random.onnx" ] && [ $have_torch = 1 ]; then
        (cd "$work" && "$py" export_onnx.py >"$work/export.log" 2>&1) ||
            note "ONNX export failed (see $work/export.log)"
    fi
    if [ -f "$work/node_modules/onnxruntime-node/package.json" ] &&
       [ -f "$work/minilm_random.onnx" ]; then
        have_ort=1
    elif [ ! -f "$work/minilm_random.onnx" ]; then
        note "no ONNX model (exporting it needs PyTorch); ONNX Runtime skipped"
    fi
fi

# --- measure ----------------------------------------------------------------
# tokens/s from a peer's last output line ("..., N tokens/s").
tps() { sed -n 's/.*, \([0-9.]*\) tokens\/s.*/\1/p' | tail -1; }

# peer NAME THREADS BATCH TOKENS COMMAND... : one figure into $results.
peer() {
    local name=$1 t=$2 b=$3 n=$4 out v
    shift 4
    out=$(cd "$work" && "$@" 2>&1)
    v=$(printf '%s\n' "$out" | tps)
    if [ -n "$v" ]; then
        echo "$name $t $b $n $v" >>"$results"
    else
        note "$name failed: $(printf '%s\n' "$out" | tail -1)"
    fi
}

tailor() { "$bench" --measure "$model" "$@" >>"$results" || note "tailor $* failed"; }

figure() {   # THREADS BATCH TOKENS, every engine, order by round
    local t=$1 b=$2 n=$3 first=$4
    [ "$first" = tailor ] && tailor "$t" "$b" "$n"
    [ $have_ort = 1 ] && peer onnxruntime-1.30 "$t" "$b" "$n" node ort_bench.mjs "$t" "$b" "$n"
    # Debian's PyTorch multiplies through OpenBLAS, whose own threads ignore
    # torch.set_num_threads: unbounded, "1 thread" ran on every core.
    [ $have_torch = 1 ] && [ "$b" = 32 ] &&
        peer "$torch_name" "$t" "$b" "$n" env OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" \
            "$py" torch_bert.py "$t" "$b" "$n"
    [ "$first" != tailor ] && tailor "$t" "$b" "$n"
    return 0
}

echo "encoder: MiniLM-L6 shape, random float32 weights; $rounds rounds, figures alternate" \
     "between engines"
for r in $(seq "$rounds"); do
    first=tailor
    [ $((r % 2)) = 0 ] && first=peers
    figure 1 32 64 $first
    figure 2 32 64 $first
    tailor 1 32 64 blas
    figure 1 1 32 $first
    figure 2 1 32 $first
    echo "encoder peers: round $r of $rounds done"
done
"$bench" --table "$results"
