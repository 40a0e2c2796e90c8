#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Formats the C sources with clang-format and the tree's .clang-format.
#
#   scripts/format.sh [FILE...]          rewrite the files in place
#   scripts/format.sh --check [FILE...]  change nothing: list each file that
#                                        differs with its count of changed
#                                        lines; exit 1 if any does
#   scripts/format.sh --diff [FILE...]   change nothing: print the diff
#
# Without FILEs: every tracked *.c and *.h except tests/data and the fuzz
# corpora. CLANG_FORMAT names the binary (default clang-format; version 14
# or newer, which reads --style=file:PATH).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "format.sh: error: $*" >&2; exit 2; }

mode=write
case ${1:-} in
  --check) mode=check; shift ;;
  --diff) mode=diff; shift ;;
  -h|--help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) die "unknown option '$1' (try --help)" ;;
esac

cf=${CLANG_FORMAT:-clang-format}
command -v "$cf" >/dev/null || die "$cf not found (Debian: apt-get install clang-format)"
major=$("$cf" --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[[ -n $major && $major -ge 14 ]] || die "$cf is version '${major:-?}'; 14 or newer is needed"
[[ -f .clang-format ]] || die "no .clang-format at the top of the tree"

if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- '*.c' '*.h' | grep -v -e '^tests/data/' -e '^fuzz/corpus/' -e '^fuzz/regressions/')
  ((${#files[@]})) || die "git ls-files found no C sources (run it inside the git checkout)"
fi

status=0
differ=0
lines=0
for f in "${files[@]}"; do
  [[ -f $f ]] || die "no such file: $f"
  case $mode in
    write)
      "$cf" --style=file -i "$f" || status=2
      ;;
    check)
      # Changed lines: the larger of lines removed and lines added.
      n=$("$cf" --style=file "$f" | diff -U0 "$f" - |
          awk '/^(---|\+\+\+) / { next } /^-/ { r++ } /^\+/ { a++ } END { print (r > a ? r : a) + 0 }')
      if ((n > 0)); then
        echo "$f: $n lines differ"
        differ=$((differ + 1))
        lines=$((lines + n))
      fi
      ;;
    diff)
      "$cf" --style=file "$f" | diff -u --label "a/$f" --label "b/$f" "$f" - || true
      ;;
  esac
done
if [[ $mode == check ]]; then
  echo "format.sh: $differ of ${#files[@]} files differ from .clang-format ($lines lines)"
  ((differ)) && status=1
fi
exit $status
