#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what clasp needs to build and test, on Debian 12, with apt-get.
# Idempotent: calls apt-get only when a package is missing, and is silent
# when nothing is.
set -euo pipefail

PACKAGES=(
  build-essential gcc cmake pkg-config   # compiler and build
  libssl-dev openssl                     # libcrypto, and the openssl CLI peer
  curl gnutls-bin libnss3-tools          # more interop peers (NSS: tstclnt, selfserv)
  chromium                               # a browser peer (headless)
  python3                                # test helpers
  clang llvm libclang-rt-dev             # libFuzzer (its runtime is only a recommends of clang)
  valgrind
  man-db                                 # `man clasp` (install.consume, docs.man)
  redis-server libhiredis-dev             # a shared session store for the session-store test (examples/redis_sessions.c)
  libuv1-dev                             # examples/uv_client.c (libuv event loop on the sans-I/O core)
  wrk nginx-light linux-perf             # load tests and the load bench (scripts/bench.sh --load)
  ca-certificates
  mmdebstrap                             # makes the Debian 13 tree (OpenSSL 3.5, GnuTLS 3.8 peers): scripts/debian13.sh
)

die() { echo "setup.sh: error: $*" >&2; exit 1; }

command -v dpkg-query >/dev/null 2>&1 ||
  die "dpkg-query not found: this script supports Debian/Ubuntu (apt-get) only; install these yourself: ${PACKAGES[*]}"

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "setup.sh: installing missing packages: ${missing[*]}"

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "not root and sudo is not available; as root, run: apt-get install ${missing[*]}"
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these yourself: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null ||
  die "apt-get update failed (no network or no package sources?)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null ||
  die "apt-get install failed for: ${missing[*]}"

# Check again: apt-get can succeed without installing everything.
still=()
for p in "${missing[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || still+=("$p")
done
((${#still[@]} == 0)) || die "still missing after apt-get install: ${still[*]}"
echo "setup.sh: done"
