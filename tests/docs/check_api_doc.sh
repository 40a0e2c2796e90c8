#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/API.md against include/clasp/clasp.h, so that the reference cannot
# drift from the header:
#   1. every declaration of the header (function, typedef, enum, struct,
#      #define CLASP_*) is in a ```c block of API.md, the same up to
#      whitespace and comments; and every declaration in those blocks is
#      one the header has (a changed parameter fails both ways);
#   2. every function has its own heading in API.md (### `clasp_name`);
#   3. every clasp_* / CLASP_* name API.md mentions anywhere exists in the
#      header (a removed or renamed one fails);
#   4. names the linker version script exports explicitly, and (given the
#      library) every clasp_* symbol libclasp.so exports, are documented.
# Usage: check_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]
# --declarations CLASP.h prints the header's declarations, normalised, one
# a line (what the ```c blocks must hold).
set -euo pipefail

# declarations FILE MODE: the normalised declarations of a C header (MODE
# header) or of the ```c blocks of a Markdown file (MODE markdown).
declarations() {
  perl -e '
    use strict; use warnings;
    my ($file, $mode) = @ARGV;
    open(my $fh, "<", $file) or die "cannot read $file: $!\n";
    local $/; my $text = <$fh>; close $fh;
    if ($mode eq "markdown") {
      my $code = "";
      while ($text =~ /^```c[ \t]*\n(.*?)^```[ \t]*$/msg) { $code .= "$1\n"; }
      $text = $code;
    }
    $text =~ s{/\*.*?\*/}{ }gs;          # comments
    $text =~ s{//[^\n]*}{}g;
    $text =~ s{\\\n}{ }g;                 # continued preprocessor lines
    $text =~ s{^\s*#\s*ifdef\s+__cplusplus\b.*?^\s*#\s*endif\b[^\n]*}{}msg;
    my @decls;
    # #define CLASP_NAME VALUE (not the include guard, which has no value).
    while ($text =~ /^\s*#\s*define\s+(CLASP_\w+)[ \t]+(\S[^\n]*)$/mg) {
      push @decls, "#define $1 $2";
    }
    $text =~ s{^\s*#[^\n]*}{}mg;          # every other preprocessor line
    my ($depth, $cur) = (0, "");
    for my $ch (split //, $text) {
      $depth++ if $ch eq "{";
      $depth-- if $ch eq "}";
      $cur .= $ch;
      if ($ch eq ";" && $depth == 0) { push @decls, $cur; $cur = ""; }
    }
    die "unbalanced braces or a declaration without ; in $file\n" if $depth != 0 || $cur =~ /\S/;
    for my $d (@decls) {
      $d =~ s/\s+/ /g; $d =~ s/^ | $//g;
      $d =~ s/ ?([^\w ]) ?/$1/g;          # no space next to punctuation
      print "$d\n";
    }
  ' "$1" "$2"
}

if [[ ${1:-} == --declarations ]]; then
  declarations "${2:?usage: check_api_doc.sh --declarations CLASP.h}" header
  exit 0
fi

header=${1:?usage: check_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]}
doc=${2:?usage: check_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]}
map=${3:?usage: check_api_doc.sh CLASP.h API.md LIBCLASP.map [LIBCLASP.so]}
lib=${4:-}
status=0
problem() { # problem SENTENCE LIST
  [[ -n $2 ]] || return 0
  echo "FAIL: $1:" >&2
  sed 's/^/  /' <<<"$2" >&2
  status=1
}

header_decls=$(declarations "$header" header | sort -u)
doc_decls=$(declarations "$doc" markdown | sort -u)
[[ -n $header_decls ]] || { echo "FAIL: found no declarations in $header" >&2; exit 1; }

# 1. The same declarations on both sides.
problem "declarations of $(basename "$header") missing from the \`\`\`c blocks of $(basename "$doc") (or different there)" \
  "$(comm -23 <(echo "$header_decls") <(echo "$doc_decls"))"
problem "declarations in the \`\`\`c blocks of $(basename "$doc") that $(basename "$header") does not have (or has otherwise)" \
  "$(comm -13 <(echo "$header_decls") <(echo "$doc_decls"))"

# The header's names: every clasp_* and CLASP_* its declarations hold.
names=$(grep -oE '\b(clasp_[a-z0-9_]+|CLASP_[A-Z0-9_]+)\b' <<<"$header_decls" | sort -u)
functions=$(grep -v '^typedef' <<<"$header_decls" | grep -oE '\bclasp_[a-z0-9_]+\(' | tr -d '(' | sort -u)

# 2. A heading per function.
headed=$(grep -E '^#{2,4} ' "$doc" | grep -oE '`clasp_[a-z0-9_]+`' | tr -d '`' | sort -u)
problem "functions without a heading (### \`name\`) in $(basename "$doc")" \
  "$(comm -23 <(echo "$functions") <(echo "$headed"))"

# 3. Nothing named that does not exist. CMake target names (clasp::clasp,
# clasp::clasp_static) are no C names; a family such as clasp_fd_* must be
# the start of some name.
mentioned=$(sed -E 's/clasp::[a-z_]+//g; s/\b(clasp|CLASP)_[A-Za-z0-9_]*_\*//g' "$doc" |
  grep -oE '\b(clasp_[a-z0-9_]+|CLASP_[A-Z0-9_]+)\b' | sort -u)
problem "names in $(basename "$doc") that $(basename "$header") does not have" \
  "$(comm -13 <(echo "$names") <(echo "$mentioned"))"
families=$(grep -oE '\b(clasp|CLASP)_[A-Za-z0-9_]*_\*' "$doc" | tr -d '*' | sort -u)
for family in $families; do
  grep -q "^$family" <<<"$names" || problem "a family of names in $(basename "$doc") that matches none of $(basename "$header")" "${family}*"
done

# 4. The version script's explicit names, and the library's exports.
map_names=$(sed -E 's,/\*.*\*/,,' "$map" | tr -d ' \t;' | grep -E '^clasp_[a-z0-9_]+$' | sort -u || true)
problem "names $(basename "$map") exports that $(basename "$doc") does not document" \
  "$(comm -23 <(echo "$map_names" | sed '/^$/d') <(echo "$mentioned"))"
if [[ -n $lib ]]; then
  exported=$(nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }' | grep '^clasp_' | sort -u)
  [[ -n $exported ]] || problem "nm -D found no clasp_* symbol in $lib" "$lib"
  problem "symbols $(basename "$lib") exports that $(basename "$doc") does not document" \
    "$(comm -23 <(echo "$exported") <(echo "$mentioned"))"
fi

if ((status == 0)); then
  echo "ok: $(basename "$doc") documents the $(wc -l <<<"$header_decls") declarations and" \
    "$(wc -l <<<"$functions") functions of $(basename "$header"), and names nothing else"
fi
exit $status
