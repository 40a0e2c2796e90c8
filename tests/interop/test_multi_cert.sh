#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One `clasp server` holding an RSA and an ECDSA chain (repeated --cert/--key)
# gives each `openssl s_client` the chain it asked for: by signature
# algorithm in TLS 1.3 (-sigalgs), by cipher suite in TLS 1.2 (-cipher),
# whichever order the chains were given in. A --cert without its --key (or
# the reverse) is a usage error that says so.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
RSA_PAIR=(--cert "$PKI/rsa.pem" --key "$PKI/rsa.key")
ECDSA_PAIR=(--cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key")

# leaf_key_type FILE: "rsa" or "ecdsa" for the first certificate s_client
# printed in FILE ("Server certificate" PEM block), else "none".
leaf_key_type() {
  local text
  text=$(awk '/-----BEGIN CERTIFICATE-----/ { on = 1 } on { print } /-----END CERTIFICATE-----/ { exit }' "$1" |
    openssl x509 -noout -text 2>/dev/null)
  case $text in
    *"Public Key Algorithm: rsaEncryption"*) echo rsa ;;
    *"Public Key Algorithm: id-ecPublicKey"*) echo ecdsa ;;
    *) echo none ;;
  esac
}

# pick_case SERVER NAME WANT DESC S_CLIENT_ARGS...: one s_client connection
# to the server started as SERVER (on $PORT); its leaf must have key type
# WANT (rsa or ecdsa), verified against ca.pem.
pick_case() {
  local srv=$1 name=$2 want=$3 desc=$4
  shift 4
  local text="multi-cert $name $RANDOM"
  s_client_echo "$name" "$text" -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
    -verify_return_error -verify_hostname localhost "$@"
  expect_status $? 0 "$desc: s_client exits 0" "$WORK/$name.out" "$WORK/$srv.log"
  expect_contains "$WORK/$name.out" "Verify return code: 0 (ok)" "$desc: s_client verified the chain"
  expect_contains "$WORK/$name.out" "$text" "$desc: the line came back"
  local got
  got=$(leaf_key_type "$WORK/$name.out")
  if [[ $got == "$want" ]]; then
    pass "$desc: the server sent its $want certificate"
  else
    fail "$desc: the server sent a certificate with key type '$got', wanted $want" "$WORK/$name.out"
  fi
}

# Both orders: the chain given first must not win when the client cannot use it.
for order in rsa-first ecdsa-first; do
  echo "# one server, RSA and ECDSA chains ($order)"
  if [[ $order == rsa-first ]]; then
    sargs=("${RSA_PAIR[@]}" "${ECDSA_PAIR[@]}")
  else
    sargs=("${ECDSA_PAIR[@]}" "${RSA_PAIR[@]}")
  fi
  PORT=$(free_port)
  srv=$order-srv
  if ! start_clasp_server "$srv" "$PORT" --echo --count 4 "${sargs[@]}"; then
    fail "$order: clasp server with two chains did not start" "$WORK/$srv.log"
    continue
  fi
  pick_case "$srv" "$order-13-rsa" rsa "$order, TLS 1.3, -sigalgs rsa_pss_rsae_sha256" \
    -tls1_3 -sigalgs rsa_pss_rsae_sha256
  pick_case "$srv" "$order-13-ecdsa" ecdsa "$order, TLS 1.3, -sigalgs ecdsa_secp256r1_sha256" \
    -tls1_3 -sigalgs ecdsa_secp256r1_sha256
  pick_case "$srv" "$order-12-rsa" rsa "$order, TLS 1.2, ECDHE-RSA-AES128-GCM-SHA256" \
    -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  expect_contains "$WORK/$order-12-rsa.out" "Cipher is ECDHE-RSA-AES128-GCM-SHA256" \
    "$order, TLS 1.2: the ECDHE-RSA suite was negotiated"
  pick_case "$srv" "$order-12-ecdsa" ecdsa "$order, TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256" \
    -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
  expect_contains "$WORK/$order-12-ecdsa.out" "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" \
    "$order, TLS 1.2: the ECDHE-ECDSA suite was negotiated"
  expect_hs "$WORK/$srv.log" sigalg rsa_pss_rsae_sha256 "$order: a server handshake line says sigalg=rsa_pss_rsae_sha256"
  expect_hs "$WORK/$srv.log" sigalg ecdsa_secp256r1_sha256 "$order: a server handshake line says sigalg=ecdsa_secp256r1_sha256"
  expect_clean_exit "$srv" "$order: server ends after its 4 connections"
done

echo "# --cert and --key counts must match"
# usage_case NAME DESC WANT_TEXT ARGS...: `clasp ARGS` exits 2 at once and
# says WANT_TEXT on stderr.
usage_case() {
  local name=$1 desc=$2 want=$3
  shift 3
  run_timeout 10 "$CLASP" "$@" </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
  expect_status $? 2 "$desc: usage error (exit 2)" "$WORK/$name.err"
  expect_contains "$WORK/$name.err" "$want" "$desc: says why"
}
usage_case u-cert-only "server --cert without --key" \
  "--cert was given 1 time but --key 0 times" server --port 0 --cert "$PKI/rsa.pem"
usage_case u-key-only "server --key without --cert" \
  "--cert was given 0 times but --key 1 time" server --port 0 --key "$PKI/rsa.key"
usage_case u-two-one "server with two --cert and one --key" \
  "--cert was given 2 times but --key 1 time" server --port 0 "${RSA_PAIR[@]}" --cert "$PKI/ecdsa.pem"
usage_case u-client "client --cert without --key" \
  "each --cert CHAIN.pem needs its own --key KEY.pem" client 127.0.0.1:1 --cert "$PKI/client.pem"
nine_pairs=()
for i in 1 2 3 4 5 6 7 8 9; do nine_pairs+=("${RSA_PAIR[@]}"); done
usage_case u-nine "server with nine --cert/--key pairs" \
  "option '--cert' can be given at most 8 times" server --port 0 "${nine_pairs[@]}"

echo "# a chain that cannot be loaded"
# The client fails before connecting, cleanly (exit 1, the library's sentence).
run_timeout 10 "$CLASP" client 127.0.0.1:1 --cert "$PKI/client.pem" --key "$PKI/rsa.key" \
  </dev/null >"$WORK/c-badkey.out" 2>"$WORK/c-badkey.err"
expect_status $? 1 "client with a key that does not match its --cert: exit 1" "$WORK/c-badkey.err"
expect_contains "$WORK/c-badkey.err" "does not belong to the certificate" \
  "client with a mismatched key: says the key does not belong to the certificate"
# Each --key goes with its own --cert: the second pair swapped is refused by name.
run_timeout 10 "$CLASP" server --port 0 "${RSA_PAIR[@]}" --cert "$PKI/ecdsa.pem" --key "$PKI/rsa.key" \
  </dev/null >"$WORK/s-swapped.out" 2>"$WORK/s-swapped.err"
expect_status $? 1 "server whose second --key is not its second --cert's: exit 1" "$WORK/s-swapped.err"
expect_contains "$WORK/s-swapped.err" "$PKI/ecdsa.pem" "server with a mismatched second pair: names the chain"

finish
