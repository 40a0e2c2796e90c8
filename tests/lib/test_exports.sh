#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The shared library exports exactly the public API: every function
# <clasp/clasp.h> declares, and nothing else (no internal cl_*/cr_* name an
# application could collide with or replace).
#   test_exports.sh LIBCLASP.so CLASP.h
set -euo pipefail
lib=${1:?usage: test_exports.sh LIBCLASP.so CLASP.h}
header=${2:?usage: test_exports.sh LIBCLASP.so CLASP.h}

# Defined dynamic symbols, without their "@@CLASP_1" version suffix. "A
# CLASP_1" is the version script's node name, which the linker adds as an
# absolute symbol; it names no code or data.
exported=$(nm -D --defined-only "$lib" |
  awk '{ sub(/@.*/, "", $3) } !($2 == "A" && $3 ~ /^CLASP_[0-9]+$/) { print $3 }' | sort -u)
[[ -n $exported ]] || { echo "FAIL: nm -D found no exported symbols in $lib" >&2; exit 1; }

status=0
stray=$(grep -v '^clasp_' <<<"$exported" || true)
if [[ -n $stray ]]; then
  echo "FAIL: $lib exports $(wc -l <<<"$stray") symbols outside the public API (want only clasp_*):" >&2
  sed 's/^/  /' <<<"$stray" >&2
  status=1
fi

# The functions the header declares: drop preprocessor lines and comments,
# then take each non-typedef declaration's "clasp_name(".
declared=$(perl -0777 -ne '
  s{^\s*#.*$}{}mg; s{/\*.*?\*/}{}gs; s{//[^\n]*}{}g;
  for my $decl (split /;/) {
    next if $decl =~ /\btypedef\b/;
    print "$1\n" if $decl =~ /\b(clasp_\w+)\s*\(/;
  }' "$header" | sort -u)
[[ -n $declared ]] || { echo "FAIL: found no function declarations in $header" >&2; exit 1; }

missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
if [[ -n $missing ]]; then
  echo "FAIL: $lib does not export these functions $header declares:" >&2
  sed 's/^/  /' <<<"$missing" >&2
  status=1
fi
extra=$(comm -13 <(echo "$declared") <(grep '^clasp_' <<<"$exported" || true))
if [[ -n $extra ]]; then
  echo "FAIL: $lib exports clasp_* symbols $header does not declare:" >&2
  sed 's/^/  /' <<<"$extra" >&2
  status=1
fi
if ((status == 0)); then
  echo "ok: $lib exports exactly the $(wc -l <<<"$declared") functions of $(basename "$header")"
fi
exit $status
