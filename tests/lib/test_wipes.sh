#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A memset to zero as the last statement of a function clears memory that
# dies right after: the compiler may drop it (dead store), so a secret in a
# local would stay on the stack. Wipes use cl_wipe (base/bytes.h), which the
# compiler keeps. A memset that resets memory that lives on says so with
# "not a wipe" on its line.
set -uo pipefail
root=${1:-$(dirname "${BASH_SOURCE[0]}")/../..}
status=0
while IFS= read -r f; do
  out=$(awk -v file="${f#"$root"/}" '
    /memset\(.*, 0,/ && !/not a wipe/ { pending = FNR; text = $0; next }
    /^[[:space:]]*$/ { next }
    /^}/ && pending { printf "%s:%d: memset before the end of the function (use cl_wipe):%s\n", file, pending, text }
    { pending = 0 }' "$f")
  if [[ -n $out ]]; then
    echo "$out" >&2
    status=1
  fi
done < <(find "$root/src" -name '*.c' | sort)
[[ $status -eq 0 ]] && echo "no memset to zero ends a function in src/ (wipes use cl_wipe)"
exit $status
