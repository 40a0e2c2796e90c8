#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs.api: docs/API.md matches include/clasp/clasp.h (check_api_doc.sh),
# and the check fails when they drift apart: each kind of drift is made on a
# copy and must be caught, so the check cannot pass by finding nothing.
#   test_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
header=${1:?usage: test_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]}
doc=${2:?}
map=${3:?}
lib=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/docs_api.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); [[ -f ${2:-} ]] && sed 's/^/  | /' "$2"; }

if bash "$here/check_api_doc.sh" "$header" "$doc" "$map" $lib >"$work/real.log" 2>&1; then
  ok "$(tail -1 "$work/real.log")"
else
  bad "docs/API.md does not match the header" "$work/real.log"
fi

# drift DESC EXPECTED-WORDS: the check on $work/h and $work/doc must fail,
# and its report must name EXPECTED-WORDS.
drift() {
  local desc=$1 want=$2
  if bash "$here/check_api_doc.sh" "$work/h" "$work/doc" "$map" >"$work/drift.log" 2>&1; then
    bad "caught: $desc (the check passed)" "$work/drift.log"
  elif grep -qF -- "$want" "$work/drift.log"; then
    ok "caught: $desc"
  else
    bad "caught: $desc (the report does not name '$want')" "$work/drift.log"
  fi
}
fresh() { cp "$header" "$work/h"; cp "$doc" "$work/doc"; }

fresh
sed -i '/^### `clasp_conn_read`$/d' "$work/doc"
drift "a function without its heading" "clasp_conn_read"

fresh
sed -i 's/^long clasp_conn_read(clasp_conn \*c, uint8_t \*buf, size_t len);$/long clasp_conn_read(clasp_conn *c, uint8_t *buf, int len);/' "$work/doc"
drift "a parameter that differs from the header" "clasp_conn_read(clasp_conn*c,uint8_t*buf,size_t len)"

fresh
sed -i 's/^int clasp_fd_flush(clasp_conn \*c, int fd);$/&\nint clasp_fd_poll(clasp_conn *c, int fd);/' "$work/h"
drift "a new function of the header that the reference lacks" "clasp_fd_poll"

fresh
sed -i 's/^#define CLASP_TLS1_3 0x0304$/&\n#define CLASP_TLS1_4 0x0305/' "$work/h"
drift "a new constant of the header" "CLASP_TLS1_4"

fresh
echo 'See also `clasp_conn_frobnicate`.' >>"$work/doc"
drift "a name the header does not have" "clasp_conn_frobnicate"

fresh
echo 'The clasp_nothing_* calls.' >>"$work/doc"
drift "a family of names that matches nothing" "clasp_nothing_*"

fresh
sed -i '/^void clasp_session_free(clasp_session \*s);$/d' "$work/h"
drift "a function removed from the header but still documented" "clasp_session_free"

echo
echo "$passed passed, $failed failed"
((failed == 0))
