#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A browser: headless Chromium (BoringSSL) loads a page from
# `clasp server --www`, trusting the test CA through its NSS database the
# way a user's added CA is trusted on Linux. TLS 1.3 and 1.2, ECDSA and RSA
# certificates, ALPN, and a CA the browser does not trust.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools "chromium, libnss3-tools" chromium certutil

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# Two homes: one whose NSS database trusts the test CA, one with an empty
# database.
make_home() { # make_home DIR [CA.pem]
  mkdir -p "$1/.pki/nssdb" || return 1
  certutil -N -d "sql:$1/.pki/nssdb" --empty-password || return 1
  [[ -z ${2:-} ]] || certutil -A -d "sql:$1/.pki/nssdb" -n "clasp test CA" -t "C,," -i "$2"
}
if ! { make_home "$WORK/home" "$PKI/ca.pem" && make_home "$WORK/home-untrusting"; } \
  >"$WORK/homes.log" 2>&1; then
  fail "could not make the browser's NSS databases" "$WORK/homes.log"
  finish
fi

# browse NAME HOME [clasp server args...]: clasp server --www on a free port,
# then Chromium loads https://localhost:PORT/ and dumps the page it got.
# Chromium may open more than one connection (preconnect), so the server
# runs without --count and is stopped afterwards. Sets RC; files NAME.out
# (the page), NAME.err (Chromium's log), NAME-srv.log (clasp server).
browse() {
  local name=$1 home=$2
  shift 2
  local -a sargs=("$@")
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"
  local port
  port=$(free_port)
  RC=99
  if ! start_clasp_server "$name-srv" "$port" --www "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  # Flags: no sandbox (tests may run as root), and nothing that would reach
  # out to the network on its own.
  HOME=$home XDG_CONFIG_HOME=$home/.config XDG_CACHE_HOME=$home/.cache \
    run_timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --user-data-dir="$WORK/profile-$name" \
    --log-net-log="$WORK/$name.netlog.json" --net-log-capture-mode=Default \
    --dump-dom "https://localhost:$port/" </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
  RC=$?
  stop_bg "$name-srv"
}

page_ok() { # page_ok NAME DESC: Chromium got clasp's page
  expect_status "$RC" 0 "$2: chromium exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "clasp server" "$2: the browser shows clasp's page"
  expect_contains "$WORK/$1.out" "server name: localhost" "$2: the browser sent SNI"
}

browse b13 "$WORK/home"
page_ok b13 "TLS 1.3 ECDSA"
expect_hs "$WORK/b13.out" version TLSv1.3 "TLS 1.3 ECDSA: version=TLSv1.3"
expect_hs "$WORK/b13.out" sigalg ecdsa_secp256r1_sha256 "TLS 1.3 ECDSA: ECDSA signature"

# Post-quantum: Chromium sends X25519MLKEM768 (with x25519) by default and
# clasp's server takes it. Both sides report it: the server's handshake line
# (on the page and in its log) and the browser's own net log, whose
# SSL_CONNECT event names the key exchange group (0x11ec = 4588).
expect_hs "$WORK/b13-srv.log" group X25519MLKEM768 "TLS 1.3: clasp server reports group=X25519MLKEM768"
expect_hs "$WORK/b13.out" group X25519MLKEM768 "TLS 1.3: the page says group=X25519MLKEM768"
if [[ -f $WORK/b13.netlog.json ]] && grep -qE '"key_exchange_group": ?4588' "$WORK/b13.netlog.json"; then
  pass "TLS 1.3: Chromium's net log reports key_exchange_group 4588 (X25519MLKEM768)"
else
  fail "TLS 1.3: Chromium's net log does not report key_exchange_group 4588 (X25519MLKEM768)" "$WORK/b13.err"
fi

browse b13-rsa "$WORK/home" --cert "$PKI/rsa.pem" --key "$PKI/rsa.key"
page_ok b13-rsa "TLS 1.3 RSA"
expect_hs "$WORK/b13-rsa.out" sigalg rsa_pss_rsae_sha256 "TLS 1.3 RSA: RSA-PSS signature"

browse b13-alpn "$WORK/home" --alpn http/1.1
page_ok b13-alpn "ALPN"
expect_hs "$WORK/b13-alpn.out" alpn http/1.1 "ALPN: the browser and clasp agreed on http/1.1"

browse b12 "$WORK/home" --tls1.2
page_ok b12 "TLS 1.2 ECDSA"
expect_hs "$WORK/b12.out" version TLSv1.2 "TLS 1.2 ECDSA: version=TLSv1.2"
expect_hs "$WORK/b12.out" cipher TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 "TLS 1.2 ECDSA: ECDHE-ECDSA AES-128-GCM"

browse b12-rsa "$WORK/home" --tls1.2 --cert "$PKI/rsa.pem" --key "$PKI/rsa.key"
page_ok b12-rsa "TLS 1.2 RSA"
expect_hs "$WORK/b12-rsa.out" cipher TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "TLS 1.2 RSA: ECDHE-RSA AES-128-GCM"

# A browser that does not trust the CA refuses the certificate, and clasp
# reports the browser's alert.
browse b-untrusted "$WORK/home-untrusting"
expect_not_contains "$WORK/b-untrusted.out" "clasp server" "untrusted CA: the browser shows no page"
expect_contains "$WORK/b-untrusted-srv.log" "certificate_unknown" "untrusted CA: clasp server reports the browser's certificate_unknown alert"

finish
