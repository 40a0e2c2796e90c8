#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The application callbacks, with real peers (openssl s_client / s_server,
# the clasp tool) against tests/interop/peers/callback_peer.c:
#   - the ClientHello select callback: one server, two names, two
#     certificates (each checked by s_client -servername and by a clasp
#     client), and an unknown name refused with unrecognized_name;
#   - the ALPN callback: its choice, and its refusal (no_application_protocol);
#   - the verify callback (pinning), both roles: accept, and refuse with
#     bad_certificate and its reason in the error sentence;
#   - the custom verifier (no path validation), both roles: a chain from a
#     CA nobody trusts is accepted when pinned, another refused.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
PEER=${CLASP_CALLBACK_PEER:-$REPO_ROOT/build/tests/clasp_callback_peer}
[[ -x $PEER ]] || { fail "callback peer not built ($PEER)"; finish; }
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
# Two more leaves, for the names a.test and b.test.
for n in a b; do
  (
    cd "$PKI" &&
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$n.key" &&
      openssl req -new -key "$n.key" -subj "/O=clasp tests/CN=$n.test" -out "$n.csr" &&
      printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s.test\n' "$n" >"$n.ext" &&
      openssl x509 -req -in "$n.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
        -days 30 -sha256 -extfile "$n.ext" -out "$n.pem"
  ) >>"$PKI/pki.log" 2>&1 || { fail "making the $n.test certificate" "$PKI/pki.log"; finish; }
done
for c in ecdsa rsa untrusted client badclient; do
  openssl x509 -in "$PKI/$c.pem" -outform DER -out "$PKI/$c.der"
done

start_peer_server() { # start_peer_server NAME PORT ARGS...
  local name=$1 port=$2
  shift 2
  start_bg "$name" "$PEER" server --port "$port" "$@"
  wait_log "$WORK/$name.log" "listening on port" 10 || fail "$name did not start" "$WORK/$name.log"
}

echo "# select callback: one server, two names, two certificates"
PORT=$(free_port)
start_peer_server sni "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" \
  --name a.test "$PKI/a.pem" "$PKI/a.key" --name b.test "$PKI/b.pem" "$PKI/b.key" \
  --refuse-unknown --count 6
for v in tls1_3 tls1_2; do
  for n in a b; do
    s_client_echo "sni_${n}_$v" "to $n.test over $v" -connect "127.0.0.1:$PORT" "-$v" \
      -servername "$n.test" -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname "$n.test"
    expect_status $? 0 "$v: s_client -servername $n.test connects" "$WORK/sni_${n}_$v.out" "$WORK/sni.log"
    expect_contains "$WORK/sni_${n}_$v.out" "CN = $n.test" "$v: $n.test gets the $n.test certificate"
    expect_contains "$WORK/sni_${n}_$v.out" "Verify return code: 0 (ok)" "$v: the $n.test chain verifies for that name"
    expect_contains "$WORK/sni_${n}_$v.out" "to $n.test over $v" "$v: data flows on the $n.test connection"
  done
done
clasp_client sni_clasp "127.0.0.1:$PORT" --servername b.test --cafile "$PKI/ca.pem" --send "clasp to b"
expect_status $? 0 "clasp client --servername b.test verifies the b.test certificate" \
  "$WORK/sni_clasp.err" "$WORK/sni.log"
expect_contains "$WORK/sni_clasp.out" "clasp to b" "clasp client: data flows on the b.test connection"
s_client_echo sni_unknown "nobody" -connect "127.0.0.1:$PORT" -servername c.test
expect_status $? nonzero "an unknown name is refused" "$WORK/sni_unknown.out"
expect_contains_i "$WORK/sni_unknown.out" "unrecognized name" "the refusal is an unrecognized_name alert"
wait_log "$WORK/sni.log" "no certificate for 'c.test'" 5
expect_contains "$WORK/sni.log" "refused the connection: no certificate for 'c.test'" \
  "the server's error sentence carries the callback's reason"
expect_contains "$WORK/sni.log" "select: sni=a.test" "the callback saw the server name"
expect_contains "$WORK/sni.log" "tls13=1" "the callback saw that TLS 1.3 was offered"
expect_clean_exit sni "the SNI server served its connections and exited"

echo "# ALPN callback"
PORT=$(free_port)
start_peer_server alpn "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --alpn-prefer h2 --count 2
s_client_echo alpn_h2 "alpn h2" -connect "127.0.0.1:$PORT" -alpn "http/1.1,h2"
expect_contains "$WORK/alpn_h2.out" "ALPN protocol: h2" "the callback picks h2 over the client's first choice"
s_client_echo alpn_first "alpn first" -connect "127.0.0.1:$PORT" -alpn "x-one,x-two"
expect_contains "$WORK/alpn_first.out" "ALPN protocol: x-one" "without h2, the callback picks the client's first"
expect_clean_exit alpn "the ALPN server exited"
PORT=$(free_port)
start_peer_server alpn_none "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --alpn-prefer none
s_client_echo alpn_refused "alpn refused" -connect "127.0.0.1:$PORT" -alpn "x-one"
expect_status $? nonzero "a refusing ALPN callback fails the handshake" "$WORK/alpn_refused.out"
expect_contains_i "$WORK/alpn_refused.out" "no application protocol" "the client gets no_application_protocol"
expect_clean_exit alpn_none "the refusing ALPN server exited"

echo "# verify callback (pinning), client role"
PORT=$(free_port)
start_clasp_server pinsrv "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --echo --count 2 ||
  fail "clasp server did not start" "$WORK/pinsrv.log"
run_timeout 20 "$PEER" client --port "$PORT" --servername localhost --ca "$PKI/ca.pem" \
  --pin "$PKI/ecdsa.der" >"$WORK/pin_ok.out" 2>&1
expect_status $? 0 "client: the pinned leaf is accepted" "$WORK/pin_ok.out"
expect_contains "$WORK/pin_ok.out" "verify: 1 certificate(s)" "client: the verify callback saw the chain"
expect_contains "$WORK/pin_ok.out" "received: hello" "client: data flows after the verify callback accepted"
run_timeout 20 "$PEER" client --port "$PORT" --servername localhost --ca "$PKI/ca.pem" \
  --pin "$PKI/rsa.der" >"$WORK/pin_bad.out" 2>&1
expect_status $? nonzero "client: another leaf is refused" "$WORK/pin_bad.out"
expect_contains "$WORK/pin_bad.out" "refused by the application's verify callback: the leaf is not the pinned certificate" \
  "client: the error sentence carries the callback's reason"
expect_contains "$WORK/pin_bad.out" "alert sent 42" "client: the refusal is a bad_certificate alert"
stop_bg pinsrv

echo "# verify callback (pinning), server role"
PORT=$(free_port)
start_peer_server pinclient "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --ca "$PKI/ca.pem" \
  --client-auth --pin "$PKI/client.der" --count 2
s_client_echo pinclient_ok "pinned client" -connect "127.0.0.1:$PORT" -cert "$PKI/client.pem" -key "$PKI/client.key"
expect_status $? 0 "server: the pinned client certificate is accepted" "$WORK/pinclient_ok.out" "$WORK/pinclient.log"
expect_contains "$WORK/pinclient_ok.out" "pinned client" "server: data flows with the pinned client"
# A valid client certificate from the same CA, but not the pinned one.
( cd "$PKI" && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key &&
  openssl req -new -key other.key -subj "/CN=other client" -out other.csr &&
  printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >other.ext &&
  openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -set_serial 77 -days 30 -extfile other.ext \
    -out other.pem ) >>"$PKI/pki.log" 2>&1
s_client_echo pinclient_bad "other client" -connect "127.0.0.1:$PORT" -cert "$PKI/other.pem" -key "$PKI/other.key"
wait_log "$WORK/pinclient.log" "error:" 5
expect_contains "$WORK/pinclient.log" "the client's certificate was refused by the application's verify callback: the leaf is not the pinned certificate" \
  "server: another client certificate is refused, with the callback's reason"
expect_contains_i "$WORK/pinclient_bad.out" "bad certificate" "server: s_client receives bad_certificate"
expect_clean_exit pinclient "the pinning server exited"

echo "# custom verifier (no path validation), client role"
PORT=$(free_port)
start_s_server untrusted "$PORT" -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -rev -naccept 2 ||
  fail "s_server did not start" "$WORK/untrusted.log"
run_timeout 20 "$PEER" client --port "$PORT" --servername localhost --custom-pin "$PKI/untrusted.der" \
  >"$WORK/custom_ok.out" 2>&1
# s_server -rev sends each line back reversed.
expect_contains "$WORK/custom_ok.out" "received: olleh" \
  "client: a chain from an untrusted CA is accepted by the custom verifier"
run_timeout 20 "$PEER" client --port "$PORT" --servername localhost --custom-pin "$PKI/ecdsa.der" \
  >"$WORK/custom_bad.out" 2>&1
expect_status $? nonzero "client: the custom verifier refuses another chain" "$WORK/custom_bad.out"
expect_contains "$WORK/custom_bad.out" "refused by the application's certificate verifier: the leaf is not the pinned certificate" \
  "client: the refusal names the custom verifier and its reason"
stop_bg untrusted

echo "# custom verifier, server role"
PORT=$(free_port)
start_peer_server customsrv "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --ca "$PKI/ca.pem" \
  --client-auth --custom-pin "$PKI/badclient.der" --count 2
s_client_echo custom_client_ok "custom client" -connect "127.0.0.1:$PORT" -cert "$PKI/badclient.pem" -key "$PKI/badclient.key"
expect_status $? 0 "server: a client certificate from an untrusted CA passes the custom verifier" \
  "$WORK/custom_client_ok.out" "$WORK/customsrv.log"
expect_contains "$WORK/customsrv.log" "client_cert=yes" "server: the client certificate is kept"
s_client_echo custom_client_bad "trusted but unpinned" -connect "127.0.0.1:$PORT" -cert "$PKI/client.pem" -key "$PKI/client.key"
wait_log "$WORK/customsrv.log" "error:" 5
expect_contains "$WORK/customsrv.log" "refused by the application's certificate verifier" \
  "server: a CA-valid but unpinned client is refused by the custom verifier"
expect_clean_exit customsrv "the custom-verifier server exited"

finish
