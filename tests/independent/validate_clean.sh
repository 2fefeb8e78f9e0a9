#!/usr/bin/env bash
# independent.validate_clean: requests written by tests/independent/gen278.py (an independent
# generator, accepted by pyx12 with the X217 maps, see README.md) must validate clean with
# soc278: exit 0 and no finding at all. The five acceptance configurations are generated at
# 1 MiB each into the build tree at test time; the small committed fixtures are checked too.
# Usage: validate_clean.sh SOC278_BINARY WORK_DIR [SIZE]
set -euo pipefail
soc278="$1"
work="$2"
size="${3:-1M}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v python3 >/dev/null || { echo "validate_clean: python3 is required (scripts/setup-debian.sh)" >&2; exit 1; }
mkdir -p "$work"

files=()
for preset in 1 2 3 4 5; do
  out="$work/independent-preset$preset.x12"
  python3 "$here/gen278.py" --preset "$preset" --size "$size" -o "$out"
  files+=("$out")
done
for f in "$here"/fixtures/*.x12; do
  [ -e "$f" ] && files+=("$f")
done

failed=0
for f in "${files[@]}"; do
  set +e
  "$soc278" validate --json "$f" > "$work/validate.jsonl" 2> "$work/validate.err"
  rc=$?
  set -e
  summary="$(python3 - "$work/validate.jsonl" <<'PY'
import collections, json, re, sys
findings = collections.Counter()
files = []
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("type") == "finding":
        findings[(d["code"], d.get("loop", ""), re.sub(r"set position \d+", "set position N", d["message"]))] += 1
    elif d.get("type") == "file":
        files.append(d)
total = sum(findings.values())
sets = sum(f.get("transactions", 0) for f in files)
print("%d finding(s) over %d set(s)" % (total, sets))
for (code, loop, msg), n in findings.most_common(8):
    print("  %6d  %s  %s  %s" % (n, code, loop, msg))
sys.exit(1 if total or not sets else 0)
PY
)" && clean=1 || clean=0
  if [ "$rc" -eq 0 ] && [ "$clean" -eq 1 ]; then
    echo "ok   $(basename "$f"): ${summary%%$'\n'*}"
  else
    echo "FAIL $(basename "$f"): soc278 validate exit $rc, $summary"
    failed=1
  fi
done
exit "$failed"
