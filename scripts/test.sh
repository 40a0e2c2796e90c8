#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds the normal build (build/) and the
# ASan+UBSan build (build-asan/), runs every test in each with ctest, and
# prints a summary. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

if ! scripts/setup.sh; then
  echo "test.sh: error: setup failed; see the messages above" >&2
  exit 1
fi

# The Debian 13 tree whose OpenSSL 3.5 and GnuTLS 3.8 the interop tests use
# as peers (post-quantum groups): made once under build/, then reused.
if DEBIAN13_ROOT=$(scripts/debian13.sh); then
  export DEBIAN13_ROOT
else
  unset DEBIAN13_ROOT
  echo "test.sh: warning: no Debian 13 tree; the tests that need OpenSSL 3.5 or GnuTLS 3.8 will fail" >&2
fi

jobs=$(nproc 2>/dev/null || echo 2)
declare -a names=() results=()
failed=0

record() { # record NAME STATUS
  names+=("$1"); results+=("$2")
  [[ $2 == ok ]] || failed=1
}

run_suite() { # run_suite LABEL DIR BUILD_ARGS... 
  local label=$1 dir=$2; shift 2
  echo
  echo "==== $label: build ($dir/)"
  if ! scripts/build.sh "$@"; then
    record "$label build" FAILED
    record "$label tests" "not run"
    return
  fi
  record "$label build" ok
  echo
  echo "==== $label: ctest ($dir/)"
  local start=$SECONDS
  if (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$jobs" --timeout 600); then
    record "$label tests" ok
  else
    record "$label tests" FAILED
  fi
  echo "==== $label: tests took $((SECONDS - start)) s"
}

run_suite "normal" build

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite "asan+ubsan" build-asan --sanitize
unset ASAN_OPTIONS UBSAN_OPTIONS

# Fuzzing: every libFuzzer target for a short while (FUZZ_SECONDS, default
# 30), after replaying the committed corpora and every saved crash input.
echo
echo "==== fuzz: ${FUZZ_SECONDS:-30} s per target (scripts/fuzz.sh)"
if scripts/fuzz.sh "${FUZZ_SECONDS:-30}"; then
  record "fuzz" ok
else
  record "fuzz" FAILED
fi

echo
echo "==== summary"
for i in "${!names[@]}"; do
  printf '  %-20s %s\n' "${names[$i]}" "${results[$i]}"
done
if ((failed)); then
  echo "test.sh: FAILED (see the output above for the failing step)"
  exit 1
fi
echo "test.sh: all builds and tests passed"
