#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hybrid post-quantum key exchange (draft-ietf-tls-ecdhe-mlkem) against a
# real OpenSSL 3.5, run from the Debian 13 tree (scripts/debian13.sh):
# s_client -> clasp server and clasp client -> s_server for X25519MLKEM768,
# SecP256r1MLKEM768 and SecP384r1MLKEM1024; HelloRetryRequest to a hybrid
# group both ways; and the defaults (a hybrid whenever both sides have one,
# x25519 from clasp's second share otherwise).
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_debian13
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
d13_copy "$PKI/ca.pem" "$PKI/ecdsa.pem" "$PKI/ecdsa.key"
HYBRIDS=(X25519MLKEM768 SecP256r1MLKEM768 SecP384r1MLKEM1024)

version=$(d13 openssl version 2>&1)
if [[ $version == "OpenSSL 3."[5-9]* || $version == "OpenSSL "[4-9]* ]]; then
  pass "the tree's openssl is $version"
else
  fail "the tree's openssl is '$version', not 3.5 or later"
  finish
fi

# s_case NAME [clasp server args...] -- [s_client args...]: clasp server
# --echo --count 1 --trace (ECDSA) on a free port, the tree's s_client
# sends one line. Sets RC, TEXT; files NAME.out (s_client), NAME-srv.log.
s_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  local port
  port=$(free_port)
  RC=99
  TEXT="post-quantum hello, case $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 1 --trace \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  d13_s_client_echo "$name" "$TEXT" -connect "127.0.0.1:$port" "${PROTO:--tls1_3}" \
    -CAfile "$D13_DIR/ca.pem" -verify_return_error -verify_hostname localhost "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# s_ok NAME GROUP DESC: both sides agree on GROUP and the line came back.
s_ok() {
  expect_status "$RC" 0 "$3: s_client exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "$TEXT" "$3: the line came back"
  expect_contains "$WORK/$1.out" "Negotiated TLS1.3 group: $2" "$3: OpenSSL 3.5 says group $2"
  expect_hs "$WORK/$1-srv.log" group "$2" "$3: clasp server says group=$2"
}

echo "# OpenSSL 3.5 s_client -> clasp server"
for g in "${HYBRIDS[@]}"; do
  s_case "sc-$g" -- -groups "$g"
  s_ok "sc-$g" "$g" "s_client $g"
done
declare -A SHARE=([X25519MLKEM768]=1216 [SecP256r1MLKEM768]=1249 [SecP384r1MLKEM1024]=1665)
declare -A REPLY=([X25519MLKEM768]=1120 [SecP256r1MLKEM768]=1153 [SecP384r1MLKEM1024]=1665)
for g in "${HYBRIDS[@]}"; do
  expect_trace_text "$WORK/sc-$g-srv.log" "key_share $g (${SHARE[$g]} bytes)" \
    "s_client $g: the trace shows its ${SHARE[$g]}-byte share"
  expect_trace_text "$WORK/sc-$g-srv.log" "key_share $g (${REPLY[$g]} bytes)" \
    "s_client $g: the trace shows our ${REPLY[$g]}-byte answer"
done

s_case sc-default --
s_ok sc-default X25519MLKEM768 "both defaults"

# HRR: s_client's only share is x25519; the server accepts only a hybrid.
s_case sc-hrr --groups X25519MLKEM768 -- -groups x25519:X25519MLKEM768
s_ok sc-hrr X25519MLKEM768 "HRR to X25519MLKEM768 (server side)"
expect_contains "$WORK/sc-hrr-srv.log" "HelloRetryRequest" "HRR (server side): clasp sent a HelloRetryRequest"
s_case sc-hrr384 --groups SecP384r1MLKEM1024 -- -groups x25519:SecP384r1MLKEM1024
s_ok sc-hrr384 SecP384r1MLKEM1024 "HRR to SecP384r1MLKEM1024 (server side)"

# A hybrid offered in a TLS 1.2-only handshake is ignored.
PROTO=-tls1_2 s_case sc-tls12 -- -groups X25519MLKEM768:x25519:secp256r1
expect_status "$RC" 0 "TLS 1.2 with a hybrid listed: s_client exits 0" "$WORK/sc-tls12.out" "$WORK/sc-tls12-srv.log"
expect_hs "$WORK/sc-tls12-srv.log" group x25519 "TLS 1.2 with a hybrid listed: group=x25519"

echo "# clasp client -> OpenSSL 3.5 s_server"
# c_case NAME [s_server args...] -- [clasp client args...]: the tree's
# s_server -www -naccept 1; clasp client --get / --trace. Sets RC; files
# NAME.out, NAME.err (clasp), NAME-srv.log (s_server).
c_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  local port
  port=$(free_port)
  RC=99
  if ! d13_start_s_server "$name-srv" "$port" -tls1_3 -www -naccept 1 \
    -cert "$D13_DIR/ecdsa.pem" -key "$D13_DIR/ecdsa.key" "${sargs[@]}"; then
    fail "$name: s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    --get / --trace "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

c_ok() { # c_ok NAME GROUP DESC
  expect_status "$RC" 0 "$3: clasp client exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 ok" "$3: got the s_server page"
  expect_hs "$WORK/$1.err" group "$2" "$3: clasp client says group=$2"
  expect_contains "$WORK/$1.out" "$2" "$3: s_server's page names $2"
}

for g in "${HYBRIDS[@]}"; do
  c_case "cc-$g" -groups "$g" -- --groups "$g"
  c_ok "cc-$g" "$g" "clasp --groups $g"
  expect_not_contains "$WORK/cc-$g.err" HelloRetryRequest "clasp --groups $g: no HelloRetryRequest"
done

c_case cc-default --
c_ok cc-default X25519MLKEM768 "both defaults"
expect_trace_text "$WORK/cc-default.err" "key_share X25519MLKEM768 (1216 bytes), x25519 (32 bytes)" \
  "both defaults: clasp sent shares for X25519MLKEM768 and x25519"

c_case cc-classic -groups x25519 --
c_ok cc-classic x25519 "s_server without hybrids"
expect_not_contains "$WORK/cc-classic.err" HelloRetryRequest \
  "s_server without hybrids: clasp's second share (x25519) served, no HelloRetryRequest"

# HRR: clasp's only share is x25519; s_server accepts only a hybrid.
c_case cc-hrr -groups X25519MLKEM768 -- --groups x25519,X25519MLKEM768
c_ok cc-hrr X25519MLKEM768 "HRR to X25519MLKEM768 (client side)"
expect_contains "$WORK/cc-hrr.err" HelloRetryRequest "HRR (client side): s_server sent a HelloRetryRequest"
# The default list offers the other hybrids after its two shares.
for g in SecP256r1MLKEM768 SecP384r1MLKEM1024; do
  c_case "cc-hrr-$g" -groups "$g" --
  c_ok "cc-hrr-$g" "$g" "HRR to $g with clasp's defaults"
  expect_contains "$WORK/cc-hrr-$g.err" HelloRetryRequest "HRR to $g: a HelloRetryRequest"
done

echo "# resumption after a hybrid handshake (clasp client --resume)"
port=$(free_port)
if d13_start_s_server res-srv "$port" -tls1_3 -www -naccept 2 \
  -cert "$D13_DIR/ecdsa.pem" -key "$D13_DIR/ecdsa.key"; then
  clasp_client res "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / --resume
  expect_status $? 0 "resumption: clasp client exits 0" "$WORK/res.err" "$WORK/res-srv.log"
  expect_hs_nth "$WORK/res.err" 1 group X25519MLKEM768 "resumption: first handshake X25519MLKEM768"
  expect_hs_nth "$WORK/res.err" 2 resumed yes "resumption: second handshake resumed"
  expect_hs_nth "$WORK/res.err" 2 group X25519MLKEM768 "resumption: with a fresh X25519MLKEM768 exchange"
  wait_exit res-srv 5 || stop_bg res-srv
else
  fail "resumption: s_server did not start" "$WORK/res-srv.log"
fi

finish
