#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The installed libraries hold no test machinery: neither the test hooks
# (cl_test_hooks in src/core/conn.h, compiled only with CLASP_TEST_HOOKS)
# nor the test-PKI maker (its own library, clasp_testpki).
#   test_no_test_hooks.sh LIBCLASP.a LIBCLASP.so LIBCLASP_TESTABLE.a LIBCLASP_TESTPKI.a
# The last two are the controls: each marker below must be found there, so a
# renamed hook or label cannot make this test pass by finding nothing.
set -euo pipefail
usage="usage: test_no_test_hooks.sh LIBCLASP.a LIBCLASP.so LIBCLASP_TESTABLE.a LIBCLASP_TESTPKI.a"
static=${1:?$usage}
shared=${2:?$usage}
testable=${3:?$usage}
testpki=${4:?$usage}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Every symbol (local ones too: a static function of hook code would show).
symbols() { nm -a "$1" 2>/dev/null | awk 'NF >= 2 { print $NF }' | sort -u; }
# The strings of the code and data, not of the debug information (which
# names types such as cl_test_hooks even where no code uses them).
code_strings() {
  local copy="$scratch/$(basename "$1")"
  objcopy --strip-debug "$1" "$copy"
  strings -a "$copy" | sort -u
}

# Functions only hook code calls: the fixed ephemeral keys.
hook_symbols='^(cr_kx_from_private)$'
# Strings only hook code uses: the labels under which the secret callback
# sees the TLS 1.2 premaster and the TLS 1.3 traffic keys and IVs.
hook_strings='^(PREMASTER|write key|read key|write iv|read iv)$'
# The test PKI's names and its subject organisation.
testpki_symbols='(testpki|test_pki)'
testpki_strings='^clasp test( CA| client)?$'

status=0
fail() { echo "FAIL: $*" >&2; status=1; }
indented() { sed 's/^/  /' <<<"$1"; }

for lib in "$static" "$shared"; do
  syms=$(symbols "$lib")
  strs=$(code_strings "$lib")
  [[ -n $syms ]] || fail "nm found no symbols in $lib"
  found=$(grep -i 'test' <<<"$syms" || true)
  [[ -z $found ]] || fail "$lib has symbols of test code:"$'\n'"$(indented "$found")"
  found=$(grep -E "$hook_symbols" <<<"$syms" || true)
  [[ -z $found ]] || fail "$lib has functions only the test hooks call:"$'\n'"$(indented "$found")"
  found=$(grep -E "$hook_strings" <<<"$strs" || true)
  [[ -z $found ]] || fail "$lib holds strings only the test hooks use (built with CLASP_TEST_HOOKS?):"$'\n'"$(indented "$found")"
  found=$(grep -E "$testpki_strings" <<<"$strs" || true)
  [[ -z $found ]] || fail "$lib holds the test-PKI maker's certificate names:"$'\n'"$(indented "$found")"
done

# Controls.
grep -qE "$hook_symbols" <<<"$(symbols "$testable")" ||
  fail "the test build $testable lacks '$hook_symbols': update hook_symbols"
n=$(grep -cE "$hook_strings" <<<"$(code_strings "$testable")" || true)
((n == 5)) || fail "the test build $testable holds $n of the 5 hook labels (want all): update hook_strings"
grep -qE "$testpki_symbols" <<<"$(symbols "$testpki")" ||
  fail "no symbol of $testpki matches '$testpki_symbols': update testpki_symbols"
grep -qE "$testpki_strings" <<<"$(code_strings "$testpki")" ||
  fail "$testpki lacks the certificate names '$testpki_strings': update testpki_strings"

if ((status == 0)); then
  echo "ok: $(basename "$static") and $(basename "$shared") hold no test hooks and no test-PKI maker"
fi
exit $status
