#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The library's layers, checked on its #include lines (ctest: lib.layers).
#
#   scripts/check_layers.sh [--layers 'LIST'] [--no-allow]
#
# It fails when
#   (a) a file in src/ outside src/crypto, in tools/ or in include/ includes
#       an OpenSSL header: only the crypto layer uses OpenSSL;
#   (b) a file of src/ includes a header of a layer above its own (below:
#       LAYERS), or lies in a folder that LAYERS does not name.
# Every violation prints as one line, e.g.
#   src/x/file.c includes src/y/h.h: x is below y
# A violation written in scripts/layers.allow (the same line; # comments)
# is known and tolerated while it is being removed; an allowed line that no
# longer occurs fails the check too, so the list only shrinks.
#
#   --layers 'LIST'  another order to try (same form as LAYERS below)
#   --no-allow       ignore scripts/layers.allow: list every violation
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The layers of src/, bottom to top. A file may include headers of its own
# layer and of the layers before it, never of a layer after it. A layer
# made of several folders joins them with '+' (the first names the layer).
LAYERS='base crypto x509 record core handshake api'
# The one folder that may include OpenSSL's headers.
OPENSSL_LAYER=crypto
ALLOW=scripts/layers.allow

use_allow=1
while (($#)); do
  case $1 in
    --layers) LAYERS=${2:?--layers needs a list}; shift 2 ;;
    --no-allow) use_allow=0; shift ;;
    -h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check_layers.sh: error: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

# folder -> layer name and rank (0 = bottom)
declare -A layer_of rank_of
rank=0
for entry in $LAYERS; do
  IFS=+ read -r -a folders <<<"$entry"
  for folder in "${folders[@]}"; do
    layer_of[$folder]=${folders[0]}
    rank_of[$folder]=$rank
  done
  rank=$((rank + 1))
done

violations=()
problems=0

# The path a quoted include names, searched as the compiler does for the
# library (the including file's folder, then src/, then include/).
resolve() {
  local from_dir=$1 name=$2
  if [[ -f $from_dir/$name ]]; then
    realpath --relative-to=. "$from_dir/$name"
  elif [[ -f src/$name ]]; then
    echo "src/$name"
  elif [[ -f include/$name ]]; then
    echo "include/$name"
  fi
}

mapfile -t files < <(find src tools include -type f \( -name '*.c' -o -name '*.h' \) | sort)
((${#files[@]})) || { echo "check_layers.sh: error: no sources under src/, tools/, include/" >&2; exit 2; }

# #include "name" or #include <name>
include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*(["<])([^">]+)[">]'
declare -A unknown_folder
for f in "${files[@]}"; do
  folder=
  if [[ $f == src/* ]]; then
    folder=${f#src/}
    folder=${folder%%/*}
    if [[ $folder == "${f#src/}" || -z ${rank_of[$folder]:-} ]]; then
      [[ $folder == "${f#src/}" ]] && folder="(top of src)"
      unknown_folder[$folder]=1
      folder=
    fi
  fi
  while IFS= read -r line; do
    [[ $line =~ $include_re ]] || continue
    kind=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
    if [[ $name == openssl/* ]]; then
      if [[ $f != src/$OPENSSL_LAYER/* ]]; then
        [[ $kind == '"' ]] && shown="\"$name\"" || shown="<$name>"
        violations+=("$f includes $shown: only src/$OPENSSL_LAYER may use OpenSSL")
      fi
      continue
    fi
    [[ -n $folder && $kind == '"' ]] || continue
    target=$(resolve "$(dirname "$f")" "$name")
    if [[ -z $target ]]; then
      echo "FAIL: $f includes \"$name\", which is in none of $(dirname "$f")/, src/, include/"
      problems=$((problems + 1))
      continue
    fi
    # include/: the public API's declarations, which every layer may use
    # for its types and constants.
    [[ $target == src/* ]] || continue
    to=${target#src/}
    to=${to%%/*}
    [[ -n ${rank_of[$to]:-} ]] || continue # reported as an unknown folder
    if ((rank_of[$to] > rank_of[$folder])); then
      what="$folder is below $to"
      [[ ${layer_of[$to]} != "$to" ]] && what+=" (layer ${layer_of[$to]})"
      violations+=("$f includes $target: $what")
    fi
  done <"$f"
done

for folder in "${!unknown_folder[@]}"; do
  echo "FAIL: src/$folder is on no layer: add it to LAYERS at the top of scripts/check_layers.sh ('$LAYERS')"
  problems=$((problems + 1))
done

declare -A allowed
allowed_lines=()
if ((use_allow)) && [[ -f $ALLOW ]]; then
  while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    allowed[$line]=1
    allowed_lines+=("$line")
  done <"$ALLOW"
fi

known=0
declare -A seen
for v in "${violations[@]}"; do
  seen[$v]=1
  if [[ -n ${allowed[$v]:-} ]]; then
    echo "known: $v"
    known=$((known + 1))
  else
    echo "FAIL: $v"
    problems=$((problems + 1))
  fi
done
for a in "${allowed_lines[@]}"; do
  if [[ -z ${seen[$a]:-} ]]; then
    echo "FAIL: $ALLOW lists a violation that no longer occurs (remove the line): $a"
    problems=$((problems + 1))
  fi
done

echo "check_layers.sh: layers (bottom to top) $LAYERS; ${#files[@]} files," \
     "${#violations[@]} violations ($known known in $ALLOW), $problems problems"
((problems == 0))
