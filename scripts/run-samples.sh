#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job over samples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DSOC278_BUILD_TESTS=OFF -DSOC278_BUILD_BENCH=OFF
./build/soc278 process samples/*.x12 --out out/samples --force
