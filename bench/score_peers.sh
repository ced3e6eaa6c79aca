#!/usr/bin/env bash
# score_peers.sh BUILD [CUSTOMERS] — overnight batch scoring: `tailor score
# --all` against the prototype's recommendation step run for every customer
# in Python (bench/peer_score.py), on the same generated bank (CUSTOMERS,
# default 5000, with raw transactions), in the same run, alternately for
# TAILOR_BENCH_ROUNDS rounds (default 3). Both write the top 3 per customer
# as CSV. tailor's time is the scoring alone: its store was imported once
# before (the import's own time is printed beside it); the peer's includes
# reading the bank's files, which are its only store.
set -euo pipefail
build=${1:-build}
customers=${2:-5000}
rounds=${TAILOR_BENCH_ROUNDS:-3}
threads=${TAILOR_BENCH_THREADS:-2}
here=$(cd "$(dirname "$0")" && pwd)
py=${TAILOR_PEERS_PYTHON:-/usr/bin/python3}   # Debian's, where numpy lives
tailor="$build/tailor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$py" -c 'import numpy' >/dev/null 2>&1; then
    echo "score peers: numpy not installed for $py (bash tools/install-deps.sh --bench); skipped"
    exit 0
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

"$tailor" generate --out "$work/bank" --customers "$customers" --quiet >/dev/null
t0=$(now)
"$tailor" import --db "$work/b.db" --quiet --customers "$work/bank/customers.csv" \
    --products "$work/bank/products.json" --reviews "$work/bank/reviews.csv" \
    --holdings "$work/bank/holdings.csv" --posts "$work/bank/posts.csv" \
    --transactions "$work/bank/transactions.csv"
import_s=$(elapsed "$t0" "$(now)")

mine=() peer=()
for r in $(seq "$rounds"); do
    t0=$(now)
    "$tailor" score --db "$work/b.db" --all --k 3 --threads "$threads" \
        --export "$work/tailor.csv" >/dev/null
    mine+=("$(elapsed "$t0" "$(now)")")
    t0=$(now)
    "$py" "$here/peer_score.py" "$work/bank" "$work/peer.csv" 3 >/dev/null
    peer+=("$(elapsed "$t0" "$(now)")")
    echo "score peers: round $r of $rounds done" >&2
done
rows_mine=$(($(wc -l <"$work/tailor.csv") - 1))
rows_peer=$(($(wc -l <"$work/peer.csv") - 1))

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
m=$(median "${mine[@]}") p=$(median "${peer[@]}")
echo "batch scoring, $customers customers (generated bank, raw transactions), top 3 each;"
echo "median seconds over $rounds rounds; tailor/x is the peer's time over tailor's"
printf '| %-34s | %7s | %11s | %8s | %s\n' engine seconds customers/s tailor/x rounds
rule() { printf "%${1}s" | tr ' ' -; }
printf '|%s|%s|%s|%s|-------\n' "$(rule 36)" "$(rule 9)" "$(rule 13)" "$(rule 10)"
printf '| %-34s | %7.2f | %11.0f | %8s | %s\n' "tailor score --threads $threads" "$m" \
    "$(awk -v n="$customers" -v s="$m" 'BEGIN { print n / s }')" "" "${mine[*]}"
printf '| %-34s | %7.2f | %11.0f | %7.1fx | %s\n' "prototype's step in Python" "$p" \
    "$(awk -v n="$customers" -v s="$p" 'BEGIN { print n / s }')" \
    "$(awk -v a="$p" -v b="$m" 'BEGIN { print a / b }')" "${peer[*]}"
echo "(tailor's import of the same files, once: $import_s s; rows written: tailor $rows_mine," \
    "peer $rows_peer)"
