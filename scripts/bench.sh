#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds clasp-bench optimised (build-release/),
# and runs it: clasp against OpenSSL's libssl on the same libcrypto.
#   scripts/bench.sh --quick    # well under a minute
#   scripts/bench.sh            # the longer, steadier run
#   scripts/bench.sh --load     # clasp server against nginx under wrk (bench/load.sh)
# Any option is passed to clasp-bench (--help lists them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCLASP_SANITIZE=OFF >/dev/null
cmake --build build-release --target clasp-bench -j "$jobs" >/dev/null
if [[ ${1:-} == --load ]]; then
  cmake --build build-release --target clasp -j "$jobs" >/dev/null
  CLASP=$PWD/build-release/clasp exec bash bench/load.sh
fi
# The ML-KEM figures compare with OpenSSL 3.5 from the Debian 13 tree the
# tests make (scripts/debian13.sh); without it they print a skip line.
if [[ -z ${CLASP_BENCH_OPENSSL35:-} && $(id -u) -eq 0 ]]; then
  d13=${DEBIAN13_ROOT:-$PWD/build/debian13}
  [[ -x $d13/usr/bin/openssl ]] && export CLASP_BENCH_OPENSSL35="chroot $d13 openssl"
fi
exec build-release/bench/clasp-bench "$@"
