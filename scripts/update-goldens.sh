#!/usr/bin/env bash
# Regenerates tests/golden/*/expected.* with the binary in BUILD (default: build). Review the diff
# before committing: a golden file changes only when the behaviour is meant to change.
# Every case runs alone with the same injected clock, seed and control numbers as
# tests/unit/app/golden_test.cpp uses.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
bin="$build/soc278"
[ -x "$bin" ] || { echo "update-goldens: $bin not built (scripts/build.sh $build)"; exit 2; }
args=(--now 2026-11-20T10:00 --seed 278 --control-start 9001 --quiet --force --report full)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

run_case() {  # input expected_dir
  local input="$1" dir="$2" stem
  stem="$(basename "${input%.*}")"
  mkdir -p "$dir"
  rm -rf "$tmp/out" && mkdir -p "$tmp/out"
  "$bin" process "$input" --out "$tmp/out" "${args[@]}" >/dev/null || true
  for ext in 278 999 ta1 decisions.jsonl; do
    if [ -f "$tmp/out/$stem.$ext" ]; then
      cp "$tmp/out/$stem.$ext" "$dir/expected.$ext"
    else
      rm -f "$dir/expected.$ext"
    fi
  done
  echo "update-goldens: $dir"
}

for f in samples/*.x12; do
  run_case "$f" "tests/golden/samples/$(basename "${f%.x12}")"
done
for d in tests/golden/cases/*/; do
  run_case "${d}input.x12" "${d%/}"
done
