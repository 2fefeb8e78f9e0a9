#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang 14 (-fsanitize=fuzzer,address,undefined) in
# their own build folder and runs one of them. docs/reliability.md has the figures and the how-to.
#
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer arguments, e.g. -runs=10000000 -jobs=2]
#   scripts/fuzz.sh list
#
# TARGET: reader validate process ack policy_yaml guide_yaml quirks. SECONDS: -max_total_time (0: no
# time limit, e.g. with -runs=N). The seed corpus is the target's folders (samples/, ../shared/corpus/,
# tests/regressions/<kind>/, tests/fuzz/seeds/<target>/; the YAML targets also every file of grammars/
# or mappings/, copied with its "# file:" line); new inputs go to a work corpus outside the checkout,
# crashes to a folder the script prints. Environment: FUZZ_WORK (default /tmp/soc278-fuzz),
# FUZZ_BUILD (default build-fuzz), CXX (default clang++-14), FUZZ_NICE (default 10),
# SOC278_FUZZ_OUTPUT_CHECK=0 (fuzz_process, fuzz_ack and fuzz_policy_yaml no longer validate what they
# write) or =report (a failing output is printed once per kind, its input kept in
# $FUZZ_WORK/<target>/output-check/, and the run goes on).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
targets=(reader validate process ack policy_yaml guide_yaml quirks)

usage() {
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args...]   (TARGET: ${targets[*]})" >&2
  exit 2
}
[ "$#" -ge 1 ] || usage
if [ "$1" = list ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
[ "$#" -ge 2 ] || usage
target="$1"
seconds="$2"
shift 2
case " ${targets[*]} " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target'" >&2; usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number" >&2; usage; }

cxx="${CXX:-clang++-14}"
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "fuzz.sh: $cxx not found. On Debian 12, as root: SOC278_FUZZ_TOOLS=1 bash scripts/setup-debian.sh" >&2
  echo "         (or apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    "$cxx" -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null; then
  echo "fuzz.sh: $cxx cannot link -fsanitize=fuzzer (the libFuzzer runtime is missing)." >&2
  echo "         On Debian 12, as root: SOC278_FUZZ_TOOLS=1 bash scripts/setup-debian.sh (or apt-get install libclang-rt-14-dev)" >&2
  exit 1
fi

build="${FUZZ_BUILD:-build-fuzz}"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DSOC278_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DSOC278_BUILD_BENCH=OFF -DSOC278_BUILD_EXAMPLES=OFF "${launcher[@]}" >/dev/null
ninja -C "$build" -j "$(nproc 2>/dev/null || echo 2)" "fuzz_$target"

work="${FUZZ_WORK:-/tmp/soc278-fuzz}/$target"
corpus="$work/corpus"
crashes="$work/crashes"
mkdir -p "$corpus" "$crashes"

seeds=()
while IFS= read -r d; do
  [ -e "$d" ] && seeds+=("$d")
done <"$build/fuzz/$target.seeds"

case "$target" in
  policy_yaml | guide_yaml)
    data=mappings
    [ "$target" = guide_yaml ] && data=grammars
    # The real files as seeds, each with the line naming it (generated here, never committed).
    gen="$work/data-seeds"
    rm -rf "$gen"
    mkdir -p "$gen"
    (cd "$data" && find . -name '*.yaml' -type f | sed 's|^\./||') | while IFS= read -r rel; do
      { echo "# file: $rel"; cat "$data/$rel"; } >"$gen/$(echo "$rel" | tr '/' '_')"
    done
    seeds+=("$gen")
    dict="tests/fuzz/yaml.dict"
    max_len=65536
    ;;
  quirks)
    dict="tests/fuzz/yaml.dict"
    max_len=1024
    ;;
  *)
    dict="tests/fuzz/x12.dict"
    max_len=8192
    ;;
esac

echo "fuzz.sh: fuzz_$target for ${seconds}s; corpus $corpus; seeds ${seeds[*]}"
echo "fuzz.sh: crashes go to $crashes/"
export SOC278_CACHE_DIR=off
# SOC278_FUZZ_OUTPUT_CHECK=report (fuzz_support.hpp): each new kind of failing output is printed and its
# input kept here.
export SOC278_FUZZ_REPORT_DIR="${SOC278_FUZZ_REPORT_DIR:-$work/output-check}"
mkdir -p "$SOC278_FUZZ_REPORT_DIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
status=0
nice -n "${FUZZ_NICE:-10}" "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -dict="$dict" \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$@" "$corpus" "${seeds[@]}" || status=$?
echo "fuzz.sh: corpus $corpus: $(find "$corpus" -type f | wc -l) inputs"
found="$(find "$crashes" -type f | wc -l)"
echo "fuzz.sh: crashes in $crashes/: $found"
[ "$found" -eq 0 ] || ls -1 "$crashes"
exit "$status"
