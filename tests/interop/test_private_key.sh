#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The private-key callback against real peers: tests/interop/peers/keyop_peer.c
# holds only the certificate chain, and every operation with the key runs
# in another process (`openssl pkeyutl -inkey KEY`), answered later through
# clasp_conn_private_key_done (or, with --sync, inside the callback):
#   - server: TLS 1.3 (ECDSA, RSA-PSS, Ed25519), TLS 1.2 ECDHE-ECDSA,
#     ECDHE-RSA with PKCS#1 v1.5 and with PSS, and TLS 1.2 RSA key exchange
#     (the raw decryption), each with openssl s_client verifying the chain
#     and echoing data;
#   - client: its certificate's CertificateVerify, TLS 1.3 and 1.2, to
#     openssl s_server -Verify (which checks the signature).
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
PEER=${CLASP_KEYOP_PEER:-$REPO_ROOT/build/tests/clasp_keyop_peer}
[[ -x $PEER ]] || { fail "keyop peer not built ($PEER)"; finish; }
need_tools openssl openssl

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

start_peer_server() { # start_peer_server NAME PORT ARGS...
  local name=$1 port=$2
  shift 2
  start_bg "$name" "$PEER" server --port "$port" "$@"
  wait_log "$WORK/$name.log" "listening on port" 10 || fail "$name did not start" "$WORK/$name.log"
}

# server_case NAME KEYTYPE WANT_OPS PEER_ARGS... -- S_CLIENT_ARGS...
#   WANT_OPS: the "key_ops=..." the server must report.
server_case() {
  local name=$1 key=$2 ops=$3
  shift 3
  local -a peer_args=() client_args=()
  split_args peer_args client_args "$@"
  local port
  port=$(free_port)
  start_peer_server "$name" "$port" --cert "$PKI/$key.pem" --key "$PKI/$key.key" "${peer_args[@]}"
  s_client_echo "$name.client" "key kept elsewhere: $name" -connect "127.0.0.1:$port" \
    -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost "${client_args[@]}"
  expect_status $? 0 "$name: openssl s_client completes the handshake" \
    "$WORK/$name.client.out" "$WORK/$name.log"
  expect_contains "$WORK/$name.client.out" "Verify return code: 0 (ok)" "$name: s_client verifies the chain"
  expect_contains "$WORK/$name.client.out" "key kept elsewhere: $name" "$name: data comes back"
  wait_exit "$name" 10
  expect_contains "$WORK/$name.log" "$ops" "$name: the server reports $ops"
  expect_not_contains "$WORK/$name.log" "error:" "$name: no error on the server"
}

echo "# server certificate, the key in another process, answered later"
server_case tls13_ecdsa ecdsa "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_3
expect_contains "$WORK/tls13_ecdsa.log" "sigalg=ecdsa_secp256r1_sha256" "tls13_ecdsa: signed with ecdsa_secp256r1_sha256"
server_case tls13_rsa rsa "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_3
expect_contains "$WORK/tls13_rsa.log" "sigalg=rsa_pss_rsae_sha256" "tls13_rsa: signed with rsa_pss_rsae_sha256"
server_case tls13_ed25519 ed25519 "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_3
expect_contains "$WORK/tls13_ed25519.log" "sigalg=ed25519" "tls13_ed25519: signed with ed25519"
server_case tls12_ecdhe_ecdsa ecdsa "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_2 \
  -cipher ECDHE-ECDSA-AES128-GCM-SHA256
expect_contains "$WORK/tls12_ecdhe_ecdsa.client.out" "ECDHE-ECDSA-AES128-GCM-SHA256" "tls12_ecdhe_ecdsa: that suite"
server_case tls12_ecdhe_rsa_pkcs1 rsa "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_2 \
  -cipher ECDHE-RSA-AES256-GCM-SHA384 -sigalgs RSA+SHA256
expect_contains "$WORK/tls12_ecdhe_rsa_pkcs1.log" "sigalg=rsa_pkcs1_sha256" \
  "tls12_ecdhe_rsa_pkcs1: signed with rsa_pkcs1_sha256 (the DigestInfo made by the signer)"
server_case tls12_ecdhe_rsa_pss rsa "key_ops=sign:1 decrypt:0 waited=1" -- -tls1_2 \
  -cipher ECDHE-RSA-AES128-GCM-SHA256 -sigalgs RSA-PSS+SHA384
expect_contains "$WORK/tls12_ecdhe_rsa_pss.log" "sigalg=rsa_pss_rsae_sha384" \
  "tls12_ecdhe_rsa_pss: signed with rsa_pss_rsae_sha384"
server_case tls12_rsa_kx rsa "key_ops=sign:0 decrypt:1 waited=1" -- -tls1_2 -cipher AES128-GCM-SHA256
expect_contains "$WORK/tls12_rsa_kx.client.out" "AES128-GCM-SHA256" "tls12_rsa_kx: RSA key exchange"

echo "# server certificate, answered inside the callback"
server_case tls13_sync ecdsa "key_ops=sign:1 decrypt:0 waited=0" --sync -- -tls1_3
server_case tls12_rsa_kx_sync rsa "key_ops=sign:0 decrypt:1 waited=0" --sync -- -tls1_2 \
  -cipher AES256-GCM-SHA384

echo "# several connections in a row, each waiting for its key"
PORT=$(free_port)
start_peer_server series "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --count 3
for i in 1 2 3; do
  s_client_echo "series$i" "round $i" -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
    -verify_return_error
  expect_status $? 0 "series: connection $i completes" "$WORK/series$i.out" "$WORK/series.log"
done
wait_exit series 10
[[ $(grep -c "waited=1" "$WORK/series.log") -eq 3 ]] && pass "series: every connection waited once for its key" ||
  fail "series: every connection waited once for its key" "$WORK/series.log"

echo "# client certificate, the key in another process"
for v in tls1_3 tls1_2; do
  PORT=$(free_port)
  start_s_server "s_server_$v" "$PORT" "-$v" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" \
    -CAfile "$PKI/ca.pem" -Verify 1 -verify_return_error -rev ||
    { fail "$v: s_server did not start" "$WORK/s_server_$v.log"; continue; }
  args=(client --port "$PORT" --servername localhost --ca "$PKI/ca.pem" --cert "$PKI/client.pem"
    --key "$PKI/client.key")
  [[ $v == tls1_2 ]] && args+=(--tls1.2)
  run_timeout 20 "$PEER" "${args[@]}" >"$WORK/client_$v.out" 2>&1
  expect_status $? 0 "$v: keyop_peer client's certificate is accepted by s_server -Verify" \
    "$WORK/client_$v.out" "$WORK/s_server_$v.log"
  expect_contains "$WORK/client_$v.out" "key_ops=sign:1 decrypt:0 waited=1" "$v: the client signed once, later"
  # s_server -rev answers each line reversed.
  expect_contains "$WORK/client_$v.out" "reply: olleh" "$v: data flows after client authentication"
  expect_contains "$WORK/s_server_$v.log" "CN = clasp test client" "$v: s_server saw the client certificate"
  stop_bg "s_server_$v"
done

echo "# a key that does not belong to the certificate"
PORT=$(free_port)
start_peer_server wrong_key "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/client.key"
s_client_echo wrong_key.client "nothing" -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" -tls1_3
expect_status $? nonzero "wrong key: s_client fails" "$WORK/wrong_key.client.out"
expect_contains_i "$WORK/wrong_key.client.out" "internal error" "wrong key: s_client gets internal_error"
wait_exit wrong_key 10
expect_contains "$WORK/wrong_key.log" "does not verify with the certificate's public key" \
  "wrong key: the server says the callback's signature does not verify"

finish
