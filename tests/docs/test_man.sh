#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs.man: docs/clasp.1 describes the tool as it is.
#   1. every option the tool's parsers accept (the "--name" literals of
#      tools/clasp/*.c, and -h) is in the man page, and every option the
#      man page names is one of them;
#   2. `clasp --help` lists the same options (-h aside);
#   3. the binary really accepts each option the man page names (run with
#      it, it never answers "unknown option");
#   4. groff formats the page without a warning, and its version is the
#      header's;
#   5. the check fails on a page that lacks an option or names one too many.
# Usage: test_man.sh CLASP-BINARY CLASP.1 TOOL-SOURCE-DIR CLASP.h
set -uo pipefail
clasp=${1:?usage: test_man.sh CLASP-BINARY CLASP.1 TOOL-SOURCE-DIR CLASP.h}
man_page=${2:?}
tool_src=${3:?}
header=${4:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/docs_man.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); shift; [[ -n ${1:-} ]] && sed 's/^/  | /' <<<"$1"; }

# The options the parsers accept: C string literals that are exactly an
# option ("--port", "-h").
accepted() {
  cat "$tool_src"/*.c | grep -oE '"(--[a-z0-9][a-z0-9.-]*|-h)"' | tr -d '"' | sort -u
}
# The options a man page names (roff writes - as \-), without a full stop
# that ends a sentence.
in_man() {
  grep -v '^\.\\"' "$1" | grep -oE '\\-(\\-[a-z0-9]([a-z0-9.-]|\\-)*|h\b)' | sed -E 's/\\//g; s/\.+$//' | sort -u
}
# compare DESC-MISSING DESC-EXTRA WANT GOT: reports differences.
compare() {
  local missing extra
  missing=$(comm -23 <(echo "$3") <(echo "$4"))
  extra=$(comm -13 <(echo "$3") <(echo "$4"))
  [[ -z $missing ]] && ok "$1" || bad "$1: missing" "$missing"
  [[ -z $extra ]] && ok "$2" || bad "$2: these" "$extra"
}

want=$(accepted)
if (($(wc -l <<<"$want") < 20)); then
  bad "found only $(wc -l <<<"$want") options in $tool_src (the literal pattern no longer matches the parsers?)" "$want"
fi

# 1. The man page and the parsers.
got=$(in_man "$man_page")
compare "every option the parsers accept is in $(basename "$man_page")" \
  "$(basename "$man_page") names no option the parsers do not accept" "$want" "$got"

# 2. clasp --help.
"$clasp" --help >"$work/help.txt" 2>&1 || bad "clasp --help exits 0" "$(cat "$work/help.txt")"
help=$(grep -oE '(^|[^a-z0-9-])--[a-z0-9][a-z0-9.-]*' "$work/help.txt" | sed -E 's/^[^-]*//; s/\.+$//' | sort -u)
compare "every option the parsers accept is in clasp --help (-h aside)" \
  "clasp --help names no option the parsers do not accept" "$(grep -vx -- -h <<<"$want")" "$help"

# 3. The binary accepts each one. A value-taking option swallows the first
# extra word; the second is surely unknown, so nothing ever starts.
unknown=""
for opt in $(grep -v '^$' <<<"$got"); do
  accepted_somewhere=0
  for form in "" server client; do
    # shellcheck disable=SC2086
    timeout 10 "$clasp" $form "$opt" --no-such-option-1 --no-such-option-2 </dev/null \
      >"$work/run.out" 2>&1
    if ! grep -qF -- "unknown option '$opt'" "$work/run.out" &&
       ! grep -qF -- "unknown command '$opt'" "$work/run.out"; then
      accepted_somewhere=1
      break
    fi
  done
  ((accepted_somewhere)) || unknown+="$opt"$'\n'
done
[[ -z $unknown ]] && ok "the clasp binary accepts every option of the man page" ||
  bad "the clasp binary calls these options of the man page unknown" "$unknown"

# 4. Formatting and version.
if groff -man -Tutf8 -ww -z "$man_page" >"$work/groff.log" 2>&1 && [[ ! -s $work/groff.log ]]; then
  ok "groff formats $(basename "$man_page") without a warning"
else
  bad "groff formats $(basename "$man_page") without a warning" "$(cat "$work/groff.log")"
fi
version=$(sed -n 's/^#define CLASP_VERSION_STRING "\(.*\)"/\1/p' "$header")
if grep -qE "^\.TH CLASP 1 \"[^\"]*\" \"clasp $version\"" "$man_page"; then
  ok "the man page is for clasp $version"
else
  bad "the man page's .TH line names clasp $version" "$(grep '^\.TH' "$man_page")"
fi

# 5. The comparison is not blind.
sed '/^\.BI \\-\\-port " N"$/d; s/\\-\\-port/\\-\\-pprt/g' "$man_page" >"$work/lacking.1"
if comm -23 <(echo "$want") <(in_man "$work/lacking.1") | grep -qx -- "--port"; then
  ok "a page without --port is caught"
else
  bad "a page without --port is caught"
fi
{ cat "$man_page"; printf '.TP\n.B \\-\\-frobnicate\nNothing.\n'; } >"$work/extra.1"
if comm -13 <(echo "$want") <(in_man "$work/extra.1") | grep -qx -- "--frobnicate"; then
  ok "a page naming --frobnicate is caught"
else
  bad "a page naming --frobnicate is caught"
fi

echo
echo "$passed passed, $failed failed"
((failed == 0))
