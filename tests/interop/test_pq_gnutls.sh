#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# GnuTLS 3.8 from the Debian 13 tree (scripts/debian13.sh) and clasp's
# post-quantum defaults. Debian 13's GnuTLS is built without ML-KEM: when
# its `gnutls-cli --list` names no hybrid group, the test checks that each
# side still meets clasp's defaults without a HelloRetryRequest (x25519 from
# clasp's second key share; x25519 chosen by clasp's server); when it names
# X25519MLKEM768, that group is negotiated both ways.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_debian13
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
d13_copy "$PKI/ca.pem" "$PKI/ecdsa.pem" "$PKI/ecdsa.key"

d13 gnutls-cli --version >"$WORK/version.log" 2>&1
expect_contains "$WORK/version.log" "gnutls-cli 3.8" "the tree's GnuTLS is 3.8"
d13 gnutls-cli --list >"$WORK/list.log" 2>&1
if grep -qi "MLKEM768" "$WORK/list.log"; then
  HYBRID=1
  WANT=X25519MLKEM768
  PRIO="NORMAL:+GROUP-X25519-MLKEM768"
  pass "GnuTLS lists a hybrid group: X25519MLKEM768 is expected both ways"
else
  HYBRID=0
  WANT=x25519
  PRIO=NORMAL
  pass "GnuTLS 3.8 in the tree lists no hybrid group (built without ML-KEM): x25519 is expected both ways"
fi

echo "# gnutls-cli -> clasp server (defaults)"
port=$(free_port)
TEXT="hello from GnuTLS 3.8, $RANDOM"
if start_clasp_server gcli-srv "$port" --echo --count 1 --trace \
  --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  client_echo gcli "$TEXT" "${D13[@]}" gnutls-cli --x509cafile "$D13_DIR/ca.pem" \
    --sni-hostname localhost --verify-hostname localhost --priority "$PRIO" -p "$port" 127.0.0.1
  expect_status $? 0 "gnutls-cli exits 0" "$WORK/gcli.out" "$WORK/gcli-srv.log"
  expect_contains "$WORK/gcli.out" "$TEXT" "gnutls-cli: the line came back"
  wait_exit gcli-srv 5 || stop_bg gcli-srv
  expect_hs "$WORK/gcli-srv.log" group "$WANT" "gnutls-cli: clasp server says group=$WANT"
  expect_not_contains "$WORK/gcli-srv.log" HelloRetryRequest "gnutls-cli: no HelloRetryRequest"
else
  fail "clasp server did not start" "$WORK/gcli-srv.log"
fi

echo "# clasp client (defaults) -> gnutls-serv"
port=$(free_port)
if d13_start_gnutls_serv gserv "$port" --http --priority "$PRIO" \
  --x509certfile "$D13_DIR/ecdsa.pem" --x509keyfile "$D13_DIR/ecdsa.key"; then
  clasp_client gserv-cli "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / --trace
  expect_status $? 0 "clasp client exits 0" "$WORK/gserv-cli.err" "$WORK/gserv.log"
  expect_contains "$WORK/gserv-cli.out" "HTTP/1.0 200 OK" "clasp client: got the gnutls-serv page"
  expect_hs "$WORK/gserv-cli.err" group "$WANT" "clasp client: group=$WANT"
  expect_trace_text "$WORK/gserv-cli.err" "key_share X25519MLKEM768 (1216 bytes), x25519 (32 bytes)" \
    "clasp client: sent its two default key shares"
  expect_not_contains "$WORK/gserv-cli.err" HelloRetryRequest "clasp client: no HelloRetryRequest"
  stop_bg gserv
else
  fail "gnutls-serv did not start" "$WORK/gserv.log"
fi
((HYBRID)) || echo "# note: no hybrid handshake with GnuTLS is possible with Debian 13's build"

finish
