#!/usr/bin/env bash
# Configures and builds citycheck. Usage: scripts/build.sh BUILD_DIR [extra cmake args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shift || true
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, so clones in other folders share the cache.
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
fi
cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
targets=()
for t in ${CITYCHECK_TARGETS:-}; do targets+=(--target "$t"); done  # default: everything
cmake --build "$build" -j"${CITYCHECK_JOBS:-2}" "${targets[@]}"
