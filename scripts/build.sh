#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds clasp.
#   scripts/build.sh              -> build/
#   scripts/build.sh --sanitize   -> build-asan/ (ASan + UBSan)
#   --werror                      -> warnings are errors (always on when CI=true)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitize=0
werror=0
[[ ${CI:-} == true ]] && werror=1
for arg in "$@"; do
  case $arg in
    --sanitize) sanitize=1 ;;
    --werror) werror=1 ;;
    -h|--help) echo "usage: scripts/build.sh [--sanitize] [--werror]"; exit 0 ;;
    *) echo "build.sh: error: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

dir=build
opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if ((sanitize)); then
  dir=build-asan
  opts+=(-DCLASP_SANITIZE=ON)
else
  opts+=(-DCLASP_SANITIZE=OFF)
fi
if ((werror)); then opts+=(-DCLASP_WERROR=ON); else opts+=(-DCLASP_WERROR=OFF); fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" "${opts[@]}" >/dev/null
cmake --build "$dir" -j "$jobs"
echo "build.sh: built $dir/"
