#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/ARCHITECTURE.md names every file of the library (src/*/*.c, *.h): a
# new file without a word on where it sits in the layers fails here, and so
# does a file the document still names after it was removed or renamed.
set -uo pipefail
root=${1:-$(dirname "${BASH_SOURCE[0]}")/../..}
doc=$root/docs/ARCHITECTURE.md
[[ -f $doc ]] || { echo "no $doc" >&2; exit 1; }
status=0
for f in "$root"/src/*/*.c "$root"/src/*/*.h; do
  name=$(basename "$f")
  if ! grep -qF -- "\`$name\`" "$doc" && ! grep -qE -- "[\`/]${name//./\\.}([\`:, ]|$)" "$doc"; then
    echo "docs/ARCHITECTURE.md does not mention src/${f#"$root"/src/}" >&2
    status=1
  fi
done
# Names of library files the document mentions, in backquotes, must exist.
while read -r name; do
  if ! ls "$root"/src/*/"$name" >/dev/null 2>&1 && ! ls "$root"/tools/*/"$name" "$root"/tests/*/"$name" "$root"/examples/"$name" "$root"/bench/"$name" "$root"/fuzz/"$name" >/dev/null 2>&1; then
    echo "docs/ARCHITECTURE.md names \`$name\`, which is no file of src/, tools/, tests/, examples/, bench/ or fuzz/" >&2
    status=1
  fi
done < <(grep -oE '`[a-z0-9_]+\.[ch]`' "$doc" | tr -d '`' | sort -u)
[[ $status -eq 0 ]] && echo "docs/ARCHITECTURE.md names every library file, and only files that exist"
exit $status
