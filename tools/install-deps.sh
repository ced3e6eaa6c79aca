#!/usr/bin/env bash
# install-deps.sh [--test|--bench] — installs the Debian packages tailor
# builds with (and, with --test, tests with; with --bench, benchmarks
# with), skipping those already present. Needs root for apt-get;
# without root it only reports what is missing.
set -euo pipefail

# OpenBLAS is not linked but loaded at run time, by the encoder's portable
# kernel only (src/encoder/blas.c): its runtime package is enough.
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      libsqlite3-dev libmicrohttpd-dev libjansson-dev libcmocka-dev
      libcurl4-openssl-dev curl libopenblas0-pthread libutf8proc-dev nettle-dev wordnet-base)
# The dashboard's end-to-end test drives Debian's Chromium: only tests need it.
if [ "${1:-}" = "--test" ]; then
    pkgs+=(chromium)
fi
# The dashboard's chart library and the end-to-end test driver come from npm;
# Debian's node is enough when none is installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    pkgs+=(nodejs npm)
fi
if [ "${1:-}" = "--bench" ]; then
    pkgs+=(wrk python3-fastapi python3-uvicorn python3-numpy python3-torch
           python3-sklearn)
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$p")
    fi
done

# npm packages pinned by web/package-lock.json, reinstalled when the lock
# file is newer than what is installed. Scripts are not run: none is needed.
npm_deps() {
    local web
    web="$(cd "$(dirname "$0")/.." && pwd)/web"
    if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules" ]; then
        echo "installing npm packages in web/ (npm ci)" >&2
        (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund >&2)
        touch "$web/node_modules"
    fi
}

if [ ${#missing[@]} -eq 0 ]; then
    npm_deps
    exit 0
fi

echo "installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "error: not root; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
npm_deps
