#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes (when missing) and caches a Debian 13 ("trixie") tree with Debian's
# own tools, for the interop tests that need OpenSSL 3.5 and GnuTLS 3.8 as
# peers (Debian 12 has OpenSSL 3.0, without ML-KEM). Prints the tree's root
# path on stdout; everything else goes to stderr.
#
#   scripts/debian13.sh            -> build/debian13 (made once, then reused)
#   DEBIAN13_ROOT=DIR scripts/debian13.sh
#                                  -> DIR, if it already holds a tree; made
#                                     there otherwise
#
# The tree is made in DIR.tmp and renamed to DIR when complete, so an
# interrupted run leaves no half tree behind (the next run starts over).
# The tests run its programs with `chroot DIR ...`: that needs root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "debian13.sh: error: $*" >&2; exit 1; }
note() { echo "debian13.sh: $*" >&2; }

root=${DEBIAN13_ROOT:-$PWD/build/debian13}
# What the tree must hold (the tests run these).
tools=(usr/bin/openssl usr/bin/gnutls-cli usr/bin/gnutls-serv)

complete() { # complete DIR: DIR is a finished tree
  local t
  [[ -f $1/etc/debian_version ]] || return 1
  for t in "${tools[@]}"; do [[ -x $1/$t ]] || return 1; done
}

if complete "$root"; then
  echo "$root"
  exit 0
fi
[[ -e $root ]] && die "'$root' exists but is not a complete Debian 13 tree (no openssl, gnutls-cli or gnutls-serv in it); remove it and run this script again"

[[ $(id -u) -eq 0 ]] ||
  die "making the Debian 13 tree needs root (mmdebstrap creates device nodes and the tests use chroot); run this script as root, or set DEBIAN13_ROOT to an existing tree"

if ! command -v mmdebstrap >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 ||
    die "mmdebstrap is not installed and apt-get is not available to install it"
  note "installing mmdebstrap with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends mmdebstrap </dev/null >&2; then
    apt-get update -qq </dev/null >&2 ||
      die "apt-get update failed (no network or no package sources?); cannot install mmdebstrap"
    apt-get install -y -qq --no-install-recommends mmdebstrap </dev/null >&2 ||
      die "apt-get install mmdebstrap failed"
  fi
fi

mkdir -p "$(dirname "$root")"
# One maker at a time: two test runs starting together wait for each other.
exec 9>"$root.lock"
flock -w 900 9 || die "another run has been making '$root' for 15 minutes; giving up"
if complete "$root"; then # the other run made it meanwhile
  echo "$root"
  exit 0
fi

tmp=$root.tmp
if [[ -e $tmp ]]; then
  note "removing the half-made tree of an interrupted run ($tmp)"
  # mmdebstrap unmounts what it mounted, even when it fails; if a killed run
  # left a mount behind, stay on this file system rather than follow it.
  rm -rf --one-file-system "$tmp" || die "could not remove '$tmp'; remove it by hand"
fi

log=$root.log
note "making a Debian 13 tree in $root (mmdebstrap; about 1-2 minutes, once; log: $log)"
start=$SECONDS
if ! mmdebstrap --variant=essential --include=openssl,ca-certificates,gnutls-bin \
  trixie "$tmp" >"$log" 2>&1 </dev/null; then
  tail -n 15 "$log" | sed 's/^/  | /' >&2
  rm -rf --one-file-system "$tmp" 2>/dev/null || true
  if grep -qiE 'could not resolve|temporary failure|failed to fetch|unable to connect|network is unreachable|connection (refused|timed out)' "$log"; then
    die "mmdebstrap could not download Debian 13 packages (no network, or deb.debian.org unreachable); see $log"
  fi
  die "mmdebstrap failed; see the lines above and $log"
fi
complete "$tmp" || die "mmdebstrap finished but the tree lacks openssl, gnutls-cli or gnutls-serv; see $log"
mv "$tmp" "$root"
note "made $root in $((SECONDS - start)) s: $(chroot "$root" openssl version 2>/dev/null || echo 'openssl: ?')"
echo "$root"
