#!/usr/bin/env bash
# list_peers.sh BUILD [CUSTOMERS] — the dashboard's customer list,
# GET /api/v1/customers, filtered, sorted and paged: tailor's server against
# bench/peer_list.py (FastAPI, every customer in memory, filtered and sorted
# in Python per request) on the same generated bank (CUSTOMERS, default
# 100000), in the same run. Each query runs under wrk at one connection for
# TAILOR_BENCH_SECONDS (default 3) per engine, alternately, for
# TAILOR_BENCH_ROUNDS rounds (default 2; the order flips each round); the
# table gives median mean latencies. Both engines' answers (total and the
# page's customer ids) are compared first: a difference is an error.
set -euo pipefail
build=${1:-build}
customers=${2:-100000}
rounds=${TAILOR_BENCH_ROUNDS:-2}
seconds=${TAILOR_BENCH_SECONDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
py=${TAILOR_PEERS_PYTHON:-/usr/bin/python3}   # Debian's, where FastAPI lives
tailor="$build/tailor"
port_mine=${TAILOR_BENCH_PORT:-18181}
port_peer=$((port_mine + 1))
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for need in wrk curl; do
    if ! command -v $need >/dev/null; then
        echo "list peers: $need not installed (bash tools/install-deps.sh --bench); skipped"
        exit 0
    fi
done
if ! "$py" -c 'import fastapi, uvicorn' >/dev/null 2>&1; then
    echo "list peers: FastAPI not installed for $py (bash tools/install-deps.sh --bench); skipped"
    exit 0
fi

"$tailor" generate --out "$work/bank" --customers "$customers" --monthly-only --quiet \
    >/dev/null
"$tailor" import --db "$work/b.db" --quiet --customers "$work/bank/customers.csv" \
    --products "$work/bank/products.json"
"$tailor" serve --db "$work/b.db" --port "$port_mine" --threads 2 >"$work/tailor.log" 2>&1 &
pids+=($!)
"$py" "$here/peer_list.py" "$work/bank/customers.csv" "$port_peer" >"$work/peer.log" 2>&1 &
pids+=($!)
for port in "$port_mine" "$port_peer"; do
    for _ in $(seq 600); do
        curl -sf "http://127.0.0.1:$port/api/v1/customers?limit=1" >/dev/null && break
        sleep 0.1
    done
    if ! curl -sf "http://127.0.0.1:$port/api/v1/customers?limit=1" >/dev/null; then
        echo "list peers: the server on port $port did not start:" >&2
        tail -3 "$work/tailor.log" "$work/peer.log" >&2
        exit 1
    fi
done

queries=(
    "sort=name&limit=25"
    "risk_profile=High&sort=name&limit=25"
    "account_status=Active&sort=name&limit=25"
    "account_status=Suspended&sort=name&limit=25"
    "age_min=30&age_max=39&sort=balance&order=desc&limit=25"
    "risk_profile=Low&sort=name&limit=25&offset=2000"
)

# "total id id ..." of one answer, to compare the engines' pages.
page() {
    curl -sf "http://127.0.0.1:$1/api/v1/customers?$2" |
        "$py" -c 'import json,sys; d=json.load(sys.stdin);
print(d["total"], *[c["customer_id"] for c in d["items"]])'
}
for q in "${queries[@]}"; do
    if [ "$(page "$port_mine" "$q")" != "$(page "$port_peer" "$q")" ]; then
        echo "list peers: tailor and the peer answer ?$q differently" >&2
        exit 1
    fi
done

# Mean latency in ms of one URL under wrk at one connection.
latency() {
    wrk -t1 -c1 -d"${seconds}s" "$1" 2>/dev/null | awk '
        $1 == "Latency" { v = $2
            if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000
            printf "%.3f\n", v }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "customer list, $customers customers (generated bank), GET /api/v1/customers?QUERY;"
echo "mean latency at one connection, median of $rounds rounds; the same answers checked first"
printf '| %-54s | %8s | %9s | %9s | %8s\n' query matches "tailor ms" "peer ms" tailor/x
printf '|%s|%s|%s|%s|---------\n' "$(printf '%56s' | tr ' ' -)" ---------- ----------- -----------
for q in "${queries[@]}"; do
    mine=() peer=()
    for r in $(seq "$rounds"); do
        if [ $((r % 2)) = 1 ]; then
            mine+=("$(latency "http://127.0.0.1:$port_mine/api/v1/customers?$q")")
            peer+=("$(latency "http://127.0.0.1:$port_peer/api/v1/customers?$q")")
        else
            peer+=("$(latency "http://127.0.0.1:$port_peer/api/v1/customers?$q")")
            mine+=("$(latency "http://127.0.0.1:$port_mine/api/v1/customers?$q")")
        fi
    done
    m=$(median "${mine[@]}") p=$(median "${peer[@]}")
    total=$(page "$port_mine" "$q" | cut -d' ' -f1)
    printf '| %-54s | %8s | %9.3f | %9.3f | %7.1fx\n' "$q" "$total" "$m" "$p" \
        "$(awk -v a="$p" -v b="$m" 'BEGIN { print (b > 0 ? a / b : 0) }')"
done
