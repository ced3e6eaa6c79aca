#!/usr/bin/env bash
# api.sh TAILOR SEED_DIR — requests/s and latency of tailor against the
# prototype-style FastAPI peer on the same endpoints, same machine, same run.
set -euo pipefail
tailor=$1 seed=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $tpid $ppid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$tailor" import --db "$work/b.db" --seed "$seed" --quiet
"$tailor" serve --db "$work/b.db" --port 18081 --threads 2 >/dev/null 2>&1 &
tpid=$!
/usr/bin/python3 "$here/peer_prototype.py" "$seed" 18082 >/dev/null 2>&1 &
ppid=$!
for port in 18081 18082; do
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/customer_data/AlisonGaines78" >/dev/null && break
        sleep 0.1
    done
done

# Prints "requests/s p50_ms p99_ms" for one URL at CONNS connections
# (default 16).
measure() {
    local conns=${2:-16} threads=2
    [ "$conns" -lt 2 ] && threads=1
    wrk -t$threads -c"$conns" -d"${BENCH_SECONDS:-10}"s --latency "$1" 2>/dev/null | awk '
        /Requests\/sec/ {rps=$2}
        $1=="50%" {p50=$2} $1=="99%" {p99=$2}
        function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
        END {printf "%.0f %.3f %.3f\n", rps, ms(p50), ms(p99)}'
}

# Recommendations are audited: every answer is an INSERT committed before it
# is sent, so they are measured at one connection too, for latency.
printf "%-44s %5s %12s %10s %10s %12s %10s %10s %8s\n" endpoint conns "tailor r/s" "p50 ms" \
    "p99 ms" "peer r/s" "p50 ms" "p99 ms" ratio
for row in /customer_data/AlisonGaines78:16 /customer_transaction_insights/AlisonGaines78:16 \
    /product_recommendations/AlisonGaines78:16 /product_recommendations/AlisonGaines78:1; do
    path=${row%:*} conns=${row##*:}
    read -r t50 tp50 tp99 < <(measure "http://127.0.0.1:18081$path" "$conns")
    read -r p50 pp50 pp99 < <(measure "http://127.0.0.1:18082$path" "$conns")
    ratio=$(awk -v a="$t50" -v b="$p50" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    printf "%-44s %5s %12s %10s %10s %12s %10s %10s %8s\n" "$path" "$conns" "$t50" "$tp50" \
        "$tp99" "$p50" "$pp50" "$pp99" "$ratio"
done
# The API's own route (with reasons and evidence), against the peer's
# recommendations, at one connection and at 16 (a mobile app's traffic:
# every answer audited, the writers queued in turn).
path=/api/v1/customers/AlisonGaines78/recommendations?k=3
for conns in 1 16; do
    read -r t50 tp50 tp99 < <(measure "http://127.0.0.1:18081$path" "$conns")
    read -r p50 pp50 pp99 < <(measure "http://127.0.0.1:18082/product_recommendations/AlisonGaines78" \
        "$conns")
    ratio=$(awk -v a="$t50" -v b="$p50" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    printf "%-44s %5s %12s %10s %10s %12s %10s %10s %8s\n" "/api/v1/…/recommendations" "$conns" \
        "$t50" "$tp50" "$tp99" "$p50" "$pp50" "$pp99" "$ratio"
done
