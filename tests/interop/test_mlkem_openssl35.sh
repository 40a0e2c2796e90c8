#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clasp's ML-KEM-768 and ML-KEM-1024 against OpenSSL 3.5 (Debian 13's, run
# in a Debian 13 tree with chroot): keys from the same seed are byte-equal,
# OpenSSL decapsulates our ciphertexts and we decapsulate its, with keys
# from a seed and with random keys made by either side. Twice: on the AVX2
# path (where the CPU has it) and with the portable C forced
# (CLASP_MLKEM_PORTABLE=1); Decaps also with the expanded key (seeddecaps).
# The tree: $DEBIAN13_ROOT, else what scripts/debian13.sh prints (it makes
# and caches the tree). No tree is a failure, not a skip.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
TOOL=${CLASP_MLKEM_TOOL:-$REPO_ROOT/build/tests/mlkem_tool}
[[ -x $TOOL ]] || { fail "mlkem_tool not built ($TOOL)"; finish; }

ROOT=${DEBIAN13_ROOT:-}
if [[ -z $ROOT && -x $REPO_ROOT/scripts/debian13.sh ]]; then
  ROOT=$("$REPO_ROOT/scripts/debian13.sh" | tail -n 1)
fi
if [[ -z $ROOT ]] || ! chroot "$ROOT" openssl version >"$WORK/version.txt" 2>&1; then
  fail "no Debian 13 tree with OpenSSL (set DEBIAN13_ROOT or add scripts/debian13.sh)"
  finish
fi
grep -q '^OpenSSL 3\.[5-9]' "$WORK/version.txt" || { fail "OpenSSL in $ROOT is not 3.5+: $(cat "$WORK/version.txt")"; finish; }
pass "peer: $(cat "$WORK/version.txt")"

# OpenSSL sees files under $ROOT; a scratch folder there, removed on exit.
IN=$(mktemp -d "$ROOT/tmp/clasp-mlkem.XXXXXX")
IN_CHROOT=/tmp/$(basename "$IN")
trap 'rm -rf "$IN"' EXIT
ossl() { chroot "$ROOT" openssl "$@"; }

same() { cmp -s "$1" "$2"; }
# tail_bytes N IN OUT: the last N bytes (the raw key inside OpenSSL's DER).
tail_bytes() { tail -c "$1" "$2" >"$3"; }

for path in default portable; do
if [[ $path == portable ]]; then export CLASP_MLKEM_PORTABLE=1; else unset CLASP_MLKEM_PORTABLE; fi
pass "polynomial path: $("$TOOL" path) ($path)"
for n in 768 1024; do
  if [[ $n == 768 ]]; then ekl=1184 dkl=2400 ctl=1088; else ekl=1568 dkl=3168 ctl=1568; fi
  for kind in seed1 seed2 random; do
    t=$n-$kind
    case $kind in
      seed1) seed=$(printf '%02x' $(seq 0 63)) ;;
      seed2) seed=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n') ;;
    esac
    if [[ $kind == random ]]; then
      ossl genpkey -algorithm ML-KEM-$n -out "$IN_CHROOT/$t.pem" 2>"$WORK/$t.err"
    else
      ossl genpkey -algorithm ML-KEM-$n -pkeyopt hexseed:"$seed" -out "$IN_CHROOT/$t.pem" 2>"$WORK/$t.err"
    fi || { fail "$t: openssl genpkey" "$WORK/$t.err"; continue; }
    ossl pkey -in "$IN_CHROOT/$t.pem" -outform DER -out "$IN_CHROOT/$t-priv.der" 2>>"$WORK/$t.err" &&
      ossl pkey -in "$IN_CHROOT/$t.pem" -pubout -outform DER -out "$IN_CHROOT/$t-pub.der" 2>>"$WORK/$t.err" ||
      { fail "$t: openssl pkey" "$WORK/$t.err"; continue; }
    tail_bytes $ekl "$IN/$t-pub.der" "$WORK/$t-ossl.ek"
    # OpenSSL 3.5's PKCS#8 form holds the seed and then the expanded dk.
    tail_bytes $dkl "$IN/$t-priv.der" "$WORK/$t-ossl.dk"

    if [[ $kind != random ]]; then
      if "$TOOL" keygen $n "$seed" "$WORK/$t.ek" "$WORK/$t.dk"; then
        check "$t: ek from the seed equals OpenSSL's" same "$WORK/$t.ek" "$WORK/$t-ossl.ek"
        check "$t: dk from the seed equals OpenSSL's" same "$WORK/$t.dk" "$WORK/$t-ossl.dk"
      else
        fail "$t: mlkem_tool keygen"
      fi
    fi

    # clasp encapsulates to OpenSSL's key; OpenSSL decapsulates.
    if "$TOOL" encaps $n "$WORK/$t-ossl.ek" "$IN/$t-c1.ct" "$WORK/$t-c1.ss" 2>"$WORK/$t-c1.err" &&
       ossl pkeyutl -decap -inkey "$IN_CHROOT/$t.pem" -in "$IN_CHROOT/$t-c1.ct" -secret "$IN_CHROOT/$t-c1.ss" 2>>"$WORK/$t-c1.err"; then
      check "$t: OpenSSL decapsulates clasp's ciphertext ($ctl bytes) to the same secret" same "$WORK/$t-c1.ss" "$IN/$t-c1.ss"
    else
      fail "$t: clasp encaps / OpenSSL decap" "$WORK/$t-c1.err"
    fi
    # OpenSSL encapsulates; clasp decapsulates with OpenSSL's dk.
    if ossl pkeyutl -encap -pubin -inkey "$IN_CHROOT/$t-pub.der" -keyform DER -out "$IN_CHROOT/$t-c2.ct" -secret "$IN_CHROOT/$t-c2.ss" 2>"$WORK/$t-c2.err" &&
       "$TOOL" decaps $n "$WORK/$t-ossl.dk" "$IN/$t-c2.ct" "$WORK/$t-c2.ss" 2>>"$WORK/$t-c2.err"; then
      check "$t: clasp decapsulates OpenSSL's ciphertext to the same secret" same "$WORK/$t-c2.ss" "$IN/$t-c2.ss"
      # A changed ciphertext: both take the implicit-rejection path alike.
      cp "$IN/$t-c2.ct" "$IN/$t-c3.ct"
      byte=$(od -An -tu1 -j100 -N1 "$IN/$t-c2.ct" | tr -d ' ')
      printf "\\x$(printf %02x $((byte ^ 1)))" | dd of="$IN/$t-c3.ct" bs=1 seek=100 conv=notrunc status=none
      if ossl pkeyutl -decap -inkey "$IN_CHROOT/$t.pem" -in "$IN_CHROOT/$t-c3.ct" -secret "$IN_CHROOT/$t-c3.ss" 2>"$WORK/$t-c3.err" &&
         "$TOOL" decaps $n "$WORK/$t-ossl.dk" "$IN/$t-c3.ct" "$WORK/$t-c3.ss" 2>>"$WORK/$t-c3.err"; then
        check "$t: a changed ciphertext gives OpenSSL's implicit-rejection secret" same "$WORK/$t-c3.ss" "$IN/$t-c3.ss"
        check "$t: ... which is not the real secret" test "$(od -An -tx1 "$WORK/$t-c3.ss")" != "$(od -An -tx1 "$WORK/$t-c2.ss")"
        if [[ $kind != random ]]; then
          for c in c2 c3; do
            if "$TOOL" seeddecaps $n "$seed" "$IN/$t-$c.ct" "$WORK/$t-$c-key.ss" 2>"$WORK/$t-$c-key.err"; then
              check "$t: the expanded key decapsulates $c as OpenSSL does" same "$WORK/$t-$c-key.ss" "$IN/$t-$c.ss"
            else
              fail "$t: seeddecaps $c" "$WORK/$t-$c-key.err"
            fi
          done
        fi
      else
        fail "$t: decapsulation of a changed ciphertext" "$WORK/$t-c3.err"
      fi
    else
      fail "$t: OpenSSL encap / clasp decaps" "$WORK/$t-c2.err"
    fi
  done

  # A random key of clasp's: OpenSSL encapsulates to it (as DER, with the
  # header of OpenSSL's own public key), clasp decapsulates.
  t=$n-clasp-random
  seed=$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')
  if "$TOOL" keygen $n "$seed" "$WORK/$t.ek" "$WORK/$t.dk"; then
    hdr=$(( $(stat -c %s "$IN/$n-seed1-pub.der") - ekl ))
    { head -c $hdr "$IN/$n-seed1-pub.der"; cat "$WORK/$t.ek"; } >"$IN/$t-pub.der"
    if ossl pkeyutl -encap -pubin -inkey "$IN_CHROOT/$t-pub.der" -keyform DER -out "$IN_CHROOT/$t.ct" -secret "$IN_CHROOT/$t.ss" 2>"$WORK/$t.err" &&
       "$TOOL" decaps $n "$WORK/$t.dk" "$IN/$t.ct" "$WORK/$t.ss" 2>>"$WORK/$t.err"; then
      check "$t: clasp decapsulates OpenSSL's ciphertext to its own random key" same "$WORK/$t.ss" "$IN/$t.ss"
    else
      fail "$t: OpenSSL encap to clasp's key / clasp decaps" "$WORK/$t.err"
    fi
  else
    fail "$t: mlkem_tool keygen"
  fi
done
done
finish
