#!/usr/bin/env bash
# Runs the zonal benchmark once: generate, floor (2 threads), zonal at 1 and 2 threads; prints ratios.
# Usage: bench/run_zonal_bench.sh BUILD_DIR [SIZE] [ZONES]   (issue 3's full size: 8000 3000)
set -euo pipefail
build="${1:?build dir (configured with -DCITYCHECK_BUILD_BENCH=ON)}"
size="${2:-4000}"
zones="${3:-1000}"
bin="$build/bench/bench_zonal"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" gen "$work" "$size" "$zones"
floor=$("$bin" floor "$work" 2)
z1=$("$bin" zonal "$work" 1)
z2=$("$bin" zonal "$work" 2)
echo "$floor"; echo "$z1"; echo "$z2"
wall() { sed -E 's/.*wall_s=([0-9.]+).*/\1/' <<<"$1"; }
awk -v f="$(wall "$floor")" -v a="$(wall "$z1")" -v b="$(wall "$z2")" -v s="$size" -v z="$zones" 'BEGIN {
  printf "raster %dx%d, %d zones: zonal(2 threads)/floor(2 threads) = %.2f, speed-up 1->2 threads = %.2f\n", s, s, z, b / f, a / b }'
