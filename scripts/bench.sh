#!/usr/bin/env bash
# Builds Release (no -march=native), generates the benchmark inputs from a seed (never committed:
# bench/data/ is ignored) and runs the benchmarks. Figures go to docs/PERFORMANCE.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DSOC278_BUILD_TESTS=OFF -DSOC278_BUILD_BENCH=ON
mkdir -p bench/data
for mb in 20 200; do
  f="bench/data/requests-${mb}mb.x12"
  [ -f "$f" ] || ./build-bench/soc278-generate "$f" "$mb" 278
done
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo none), $(g++ --version | head -1), flags -O3 -DNDEBUG, $(nproc) cores"
for mb in 20 200; do
  f="bench/data/requests-${mb}mb.x12"
  cat "$f" > /dev/null  # warm the page cache so both runs read from memory
  start=$(date +%s.%N); cat "$f" > /dev/null; end=$(date +%s.%N)
  echo "cat $f > /dev/null: $(echo "$end - $start" | bc) s"
  ./build-bench/soc278-read-bench "$f" --tokenize-only
  ./build-bench/soc278-read-bench "$f"
done
