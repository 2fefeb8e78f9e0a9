#!/usr/bin/env bash
# Fails when a file includes a header from a stage on its right in the data flow
# (core -> yaml -> x12 -> ig -> model -> mapping -> soc -> respond -> store -> engine -> app; STYLE.md section 3),
# or, for a stage listed in `allowed`, from any stage that list does not name.
set -euo pipefail
cd "$(dirname "$0")/.."
order=(core yaml x12 ig model mapping soc respond store engine app)
# store (the ledger) sits right of respond but uses none of the X12 stages: the app hands its
# numbers to respond, so it depends on core alone.
# The engine (the pipeline as a library) knows every X12 stage but not the ledger: the command line
# hands it numbers through respond's interfaces, as it does to respond.
declare -A allowed=([store]="core store" [engine]="core yaml x12 ig model mapping soc respond engine")
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
status=0
for stage in "${order[@]}"; do
  mine=$(rank "$stage")
  for dir in "include/soc278/$stage" "src/$stage"; do
    [ -d "$dir" ] || continue
    while IFS= read -r line; do
      file="${line%%:*}"
      inc=$(sed -E 's/.*#include "(soc278\/)?([a-z0-9_]+)\/.*/\2/' <<<"${line#*:}")
      other=$(rank "$inc")
      [ "$other" -lt 0 ] && continue
      if [ -n "${allowed[$stage]:-}" ] && [[ " ${allowed[$stage]} " != *" $inc "* ]]; then
        echo "check-deps: $file (stage $stage) includes from stage $inc; $stage may include only: ${allowed[$stage]}: ${line#*:}"
        status=1
        continue
      fi
      if [ "$other" -gt "$mine" ]; then
        echo "check-deps: $file (stage $stage) includes from stage $inc, which is to its right: ${line#*:}"
        status=1
      fi
    done < <(grep -rHE '#include "(soc278/)?[a-z0-9_]+/' "$dir" || true)
  done
done
# The example embedders use the public API only: no private header of src/.
while IFS= read -r line; do
  echo "check-deps: ${line%%:*} (an example) includes a private header; examples use include/soc278/ only: ${line#*:}"
  status=1
done < <(grep -rHE '#include "' examples 2>/dev/null | grep -vE '#include "soc278/' || true)
[ "$status" -eq 0 ] && echo "check-deps: every include points left or within its stage"
exit "$status"
