#!/usr/bin/env bash
# Installs what soc278 needs to build and test on Debian 12, as root. Idempotent: when every
# package is already there it installs nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config git
  libboost-dev libfmt-dev catch2 libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev
  python3
)
# The libFuzzer build of tests/fuzz/ (scripts/fuzz.sh) only, on request: SOC278_FUZZ_TOOLS=1.
if [ "${SOC278_FUZZ_TOOLS:-0}" = 1 ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-debian: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-debian: missing packages (${missing[*]}); run this script as root" >&2
  exit 1
fi
echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
