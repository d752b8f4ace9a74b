#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite; exits non-zero on any failure.
# Under CI (CI=true) or with --sanitize it also builds the unit tests with ASan+UBSan and runs them
# (every label but cli: the end-to-end tests exercise the same code through the Release binary).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sanitize=0
[ "${1:-}" = "--sanitize" ] && sanitize=1
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON && sanitize=1

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" "$root/build" -DCITYCHECK_WERROR=$werror
# The store tests run against a real PostGIS: a throwaway cluster on loopback, stopped on exit.
if [ "${CITYCHECK_NO_PG:-}" != 1 ]; then
  eval "$(bash "$root/scripts/pg-test-cluster.sh" start)"
  trap 'bash "$root/scripts/pg-test-cluster.sh" stop "$CITYCHECK_PG_CLUSTER_DIR"' EXIT
fi
(cd "$root/build" && ctest --output-on-failure -j2 --timeout 900)

if [ "$sanitize" = 1 ]; then
  echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  CITYCHECK_TARGETS="test_core test_spatial test_raster test_engine" \
    bash "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCITYCHECK_ENABLE_SANITIZERS=ON -DCITYCHECK_WERROR=$werror
  (cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j2 -L "core|spatial|raster|engine" --timeout 900)
fi
