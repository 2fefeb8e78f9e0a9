#!/usr/bin/env bash
# independent.validate_faults: every set that tests/independent/gen278.py makes invalid
# (--invalid-percent 100: two or three seeded faults of different kinds per set, faults278.py) must
# be rejected by soc278 validate, with findings of at least two codes in it.
# Usage: validate_faults.sh SOC278_BINARY WORK_DIR [SIZE]
set -euo pipefail
soc278="$1"
work="$2"
size="${3:-300K}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v python3 >/dev/null || { echo "validate_faults: python3 is required (scripts/setup-debian.sh)" >&2; exit 1; }
mkdir -p "$work"
f="$work/independent-invalid100.x12"
python3 "$here/gen278.py" --seed 31 --groups 1 --sets 100000-100000 --invalid-percent 100 --size "$size" -o "$f"
set +e
"$soc278" validate --json "$f" > "$work/validate-faults.jsonl" 2> "$work/validate-faults.err"
rc=$?
set -e
python3 - "$f" "$work/validate-faults.jsonl" "$rc" <<'PY'
import bisect, collections, json, sys
text = open(sys.argv[1]).read()
# Segment ordinals (1-based) where each set starts; the file uses ~ and one segment per line.
starts = [i + 1 for i, s in enumerate(x for x in text.split("~") if x.strip("\r\n"))
          if s.strip("\r\n").startswith("ST*")]
codes = collections.defaultdict(set)
summary = None
for line in open(sys.argv[2]):
    d = json.loads(line)
    if d.get("type") == "finding" and d.get("segment"):
        codes[bisect.bisect_right(starts, d["segment"]) - 1].add(d["code"])
    elif d.get("type") == "file":
        summary = d
bad = [i for i in range(len(starts)) if len(codes[i]) < 2]
print("%d set(s), %d rejected, exit %s; sets with fewer than two finding codes: %d"
      % (len(starts), summary["rejected"] if summary else -1, sys.argv[3], len(bad)))
for i in bad[:5]:
    print("  set %d: %s" % (i + 1, sorted(codes[i])))
ok = summary and sys.argv[3] == "1" and summary["transactions"] == len(starts) > 0 \
    and summary["rejected"] == len(starts) and not bad
sys.exit(0 if ok else 1)
PY
