#!/usr/bin/env bash
# The README's second command (and .ci/run): set up, build, run every test, then run every test
# again under AddressSanitizer + UndefinedBehaviorSanitizer, halting on the first report, then once
# more in the portable build (SOC278_PORTABLE=ON: the scalar versions of src/core/simd.hpp).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
jobs="$(nproc 2>/dev/null || echo 2)"

echo "== build and test (RelWithDebInfo)"
bash scripts/build.sh build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOC278_WERROR=ON
ctest --test-dir build-test -j "$jobs" --output-on-failure

echo "== build and test under ASan + UBSan"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DSOC278_SANITIZE=ON -DSOC278_BUILD_BENCH=OFF
ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan -j "$jobs" --output-on-failure

echo "== build and test the portable build (SOC278_PORTABLE: no SIMD intrinsics, the scalar fallbacks)"
bash scripts/build.sh build-portable -DCMAKE_BUILD_TYPE=Release -DSOC278_PORTABLE=ON -DSOC278_BUILD_BENCH=OFF
ctest --test-dir build-portable -j "$jobs" --output-on-failure
