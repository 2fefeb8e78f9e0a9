#!/usr/bin/env bash
# Builds Release (no -march=native), generates the benchmark inputs from a seed (never committed:
# bench/data/ is ignored, files are kept between runs) and runs the benchmarks. Figures go to
# docs/PERFORMANCE.md with this command.
#
#   scripts/bench.sh [all | micro | set]      (default: all)
#
#   micro  the reader and validator programs (soc278-read-bench, soc278-validate-bench) on
#          requests-{20,N}mb.x12 and `soc278 process` with a ledger over requests-Nmb.x12
#   set    the benchmark set: `soc278 validate` and `soc278 process` on four inputs of N MB
#          (docs/PERFORMANCE.md, "The benchmark set"), then a table to paste
#
# Environment: BENCH_MB=N size of the inputs in MB (default 200; BENCH_MB=20 is a quick run),
# BENCH_RUNS=R runs per figure (default 5; the median is the figure, min and max show the noise).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
case "$what" in all | micro | set) ;; *) echo "usage: scripts/bench.sh [all|micro|set]" >&2; exit 2 ;; esac
MB="${BENCH_MB:-200}"
RUNS="${BENCH_RUNS:-5}"
mid=$(((RUNS + 1) / 2))
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
bash scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DSOC278_BUILD_TESTS=OFF -DSOC278_BUILD_BENCH=ON "${launcher[@]}"
mkdir -p bench/data
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo none), $(g++ --version | head -1), flags -O3 -DNDEBUG, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs of a line-printing command, sorted by MB/s (the token after "FILE" or the first number followed
# by "MB/s"); prints the median line.
median() { sort -t= -k2 -n | sed -n "${mid}p" | sed "s/^/median of $RUNS: /"; }

# --- inputs ---------------------------------------------------------------------------------------
# (1) requests: soc278's own generator (bench/generate.cpp, seed 278). (2)-(4) come from the
# independent generator (tests/independent/gen278.py), regenerated when it changes.
gen278=tests/independent/gen278.py
stale() { [ ! -f "$1" ] || [ "$gen278" -nt "$1" ] || [ tests/independent/faults278.py -nt "$1" ]; }
make_input() {  # make_input KIND FILE [MB]
  local kind="$1" f="$2" mb="${3:-$MB}"
  local bytes=$((mb * 1000000))
  case "$kind" in
    requests) [ -f "$f" ] || ./build-bench/soc278-generate "$f" "$mb" 278 > /dev/null ;;
    lowrep) stale "$f" && python3 "$gen278" --seed 2 --distinct --groups 2 --sets 20-60 --size "$bytes" -o "$f.tmp" && mv "$f.tmp" "$f" ;;
    onegroup) stale "$f" && python3 "$gen278" --seed 3 --groups 1 --sets 1000000-1000000 --size "$bytes" -o "$f.tmp" && mv "$f.tmp" "$f" ;;
    invalid20) stale "$f" && python3 "$gen278" --seed 3 --groups 1 --sets 1000000-1000000 --invalid-percent 20 --size "$bytes" -o "$f.tmp" && mv "$f.tmp" "$f" ;;
  esac
  return 0
}

# --- micro: the reader and validator programs ---------------------------------------------------
if [ "$what" != set ]; then
  sizes=20
  [ "$MB" != 20 ] && sizes="20 $MB"
  for mb in $sizes; do make_input requests "bench/data/requests-${mb}mb.x12" "$mb"; done
  # RUNS runs each; the median (by MB/s) is the figure to record (the first run on a cold core is often slower).
  for mb in $sizes; do
    f="bench/data/requests-${mb}mb.x12"
    cat "$f" > /dev/null  # warm the page cache so every run reads from memory
    start=$(date +%s.%N); cat "$f" > /dev/null; end=$(date +%s.%N)
    echo "cat $f > /dev/null: $(echo "$end - $start" | bc) s"
    for mode in --tokenize-only ""; do
      for _ in $(seq "$RUNS"); do ./build-bench/soc278-read-bench "$f" $mode; done | median
    done
    # Reading + implementation-guide validation: what `soc278 validate` runs (no loop tree), then with
    # the loop tree `soc278 process` needs (--tree).
    for mode in "" --tree; do
      for _ in $(seq "$RUNS"); do ./build-bench/soc278-validate-bench "$f" $mode; done | median
    done
  done
  # Everything: `soc278 process` (all stages, every output written and fsynced) over the N MB file.
  # Each run writes into an empty folder after `sync`, so no run pays for the previous one's writeback.
  # Numbers come from a ledger of the benchmark's own (--db), kept across the runs as in production.
  f="bench/data/requests-${MB}mb.x12"
  bytes=$(stat -c %s "$f")
  out="$(mktemp -d)"
  for _ in $(seq "$RUNS"); do
    rm -rf "$out/run" && mkdir -p "$out/run" && sync
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" ./build-bench/soc278 process "$f" --out "$out/run" --db "$out/ledger.db" --quiet --now 2026-11-20 > /dev/null
    read -r wall user sys rss < "$out/time"
    echo "process: $f $(echo "scale=1; $bytes / 1000000 / $wall" | bc) MB/s, wall ${wall} s, user ${user} s, sys ${sys} s, peak RSS $((rss / 1024)) MiB"
  done | sort -t' ' -k3 -n | sed -n "${mid}p" | sed "s/^/median of $RUNS: /"
  rm -rf "$out"
fi

[ "$what" = micro ] && exit 0

# --- the benchmark set -------------------------------------------------------------------------------
# Single-threaded runs of the product as a user runs it, every output written: default console output
# (kept in a file, its lines counted), pinned numbers (--seed/--control-start: no ledger, so every run
# does the same work), a fixed decision date. Floors: process >= 150 MB/s on (1)-(3) and >= 100 on (4),
# validate >= 400 MB/s on (1)-(3), peak RSS <= 32 MiB on all four.
names=(requests lowrep onegroup invalid20)
files=("bench/data/requests-${MB}mb.x12" "bench/data/lowrep-${MB}mb.x12" "bench/data/onegroup-${MB}mb.x12"
       "bench/data/onegroup-invalid20-${MB}mb.x12")
process_floor=(150 150 150 100)
validate_floor=(400 400 400 0)
for i in 0 1 2 3; do make_input "${names[$i]}" "${files[$i]}"; done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# stats FILE: "min median max" of the numbers in FILE, one per line.
stats() { sort -n "$1" | awk '{v[NR]=$1} END {printf "%.1f %.1f %.1f", v[1], v[int((NR+1)/2)], v[NR]}'; }
# measure CMD...: RUNS runs of CMD with the console kept in $out/console; leaves per-run MB/s (wall and
# CPU), RSS, wall, user, sys in $out/*.txt and the last exit code in $out/rc.
measure() {
  rm -f "$out"/{mbs,cpumbs,rss,wall,user,sys}.txt
  for _ in $(seq "$RUNS"); do
    rm -rf "$out/run" && mkdir -p "$out/run" && sync
    set +e
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" > "$out/console" 2>&1
    echo $? > "$out/rc"
    set -e
    read -r wall user sys rss < <(tail -1 "$out/time")
    echo "$wall" >> "$out/wall.txt"; echo "$user" >> "$out/user.txt"; echo "$sys" >> "$out/sys.txt"
    echo $((rss / 1024)) >> "$out/rss.txt"
    awk -v b="$bytes" -v w="$wall" 'BEGIN {printf "%.1f\n", b / 1e6 / (w > 0 ? w : 0.001)}' >> "$out/mbs.txt"
    awk -v b="$bytes" -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f\n", b / 1e6 / (u + s > 0 ? u + s : 0.001)}' >> "$out/cpumbs.txt"
  done
}
rows=()
for i in 0 1 2 3; do
  f="${files[$i]}"
  bytes=$(stat -c %s "$f")
  sets=$(grep -c '^ST\*278\*' "$f" || true)
  groups=$(grep -c '^GS\*' "$f" || true)
  cat "$f" > /dev/null  # warm the page cache
  for _ in 1 2 3; do
    start=$(date +%s.%N); cat "$f" > /dev/null; end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
  done > "$out/cat.txt"
  cat_s=$(sort -n "$out/cat.txt" | sed -n 2p)
  echo "($((i + 1))) $f: $bytes bytes, $groups group(s), $sets sets; cat FILE > /dev/null: $cat_s s (median of 3)"
  row="| ($((i + 1))) \`$(basename "$f")\` | $(echo "scale=1; $bytes / 1000000" | bc) MB, $sets sets, $groups GS | ${cat_s} s"
  for cmd in validate process; do
    if [ "$cmd" = validate ]; then
      measure ./build-bench/soc278 validate "$f"
      floor=${validate_floor[$i]}
    else
      measure ./build-bench/soc278 process "$f" --out "$out/run" --force --seed 1 --control-start 1 --now 2026-11-20
      floor=${process_floor[$i]}
    fi
    read -r lo med hi <<< "$(stats "$out/mbs.txt")"
    read -r _ cpu _ <<< "$(stats "$out/cpumbs.txt")"
    read -r _ rss rss_max <<< "$(stats "$out/rss.txt")"
    read -r _ wall _ <<< "$(stats "$out/wall.txt")"
    read -r _ user _ <<< "$(stats "$out/user.txt")"
    read -r _ sys _ <<< "$(stats "$out/sys.txt")"
    lines=$(wc -l < "$out/console")
    verdict=ok
    awk -v m="$med" -v f="$floor" 'BEGIN {exit !(m < f)}' && verdict="below ${floor} MB/s"
    awk -v r="$rss_max" 'BEGIN {exit !(r > 32)}' && verdict="$verdict; RSS over 32 MiB"
    [ "$floor" = 0 ] && [ "$verdict" = ok ] && verdict="ok (RSS)"
    echo "  $cmd: median ${med} MB/s (min ${lo}, max ${hi}; ${cpu} MB/s of CPU time), wall ${wall} s, user ${user} s, sys ${sys} s, peak RSS ${rss_max%.*} MiB, console ${lines} lines, exit $(cat "$out/rc"): ${verdict}"
    [ "$(cat "$out/rc")" -gt 1 ] && { echo "  $cmd failed:"; tail -5 "$out/console"; }
    row="$row | ${med} (${lo}–${hi}) | ${cpu} | ${rss_max%.*} MiB"
  done
  rows+=("$row | $lines |")  # the console lines of the last process run
done
echo
echo "| input | size | \`cat\` | validate MB/s, median (min–max) | validate MB/s of CPU | validate peak RSS | process MB/s, median (min–max) | process MB/s of CPU | process peak RSS | process console lines |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
