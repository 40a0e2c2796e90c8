#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `openssl s_client` against `clasp server --echo --count 1` (TLS 1.3): every
# suite, group and certificate type, HelloRetryRequest, client
# authentication, ALPN, SNI, a multi-record echo, and the key log compared
# with OpenSSL's.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# echo_case NAME [clasp server args...] -- [s_client args...]
# Starts `clasp server --echo --count 1` (ECDSA certificate unless the args
# give --cert) on a free port, and runs `openssl s_client -tls1_3` with
# verification of "localhost" against ca.pem, sending one line. Sets RC to
# s_client's status and TEXT to the line; files: NAME.out (s_client),
# NAME-srv.log (clasp server).
echo_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"

  local port
  port=$(free_port)
  RC=99
  TEXT="hello from s_client, case $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 1 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  s_client_echo "$name" "$TEXT" -connect "127.0.0.1:$port" -tls1_3 \
    -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# ok_case NAME DESC: s_client succeeded, verified, and got its line back.
ok_case() {
  expect_status "$RC" 0 "$2: s_client exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "Verify return code: 0 (ok)" "$2: s_client verified the certificate"
  expect_contains "$WORK/$1.out" "$TEXT" "$2: the line came back"
  expect_hs "$WORK/$1-srv.log" version TLSv1.3 "$2: server says version=TLSv1.3"
}

echo "# cipher suites (s_client offers one)"
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
  echo_case "suite-$suite" -- -ciphersuites "$suite"
  ok_case "suite-$suite" "$suite"
  expect_contains "$WORK/suite-$suite.out" "Cipher is $suite" "$suite: s_client negotiated it"
  expect_hs "$WORK/suite-$suite-srv.log" cipher "$suite" "$suite: server says cipher=$suite"
done

echo "# cipher suite chosen by the server (--ciphers)"
echo_case server-ciphers --ciphers TLS_CHACHA20_POLY1305_SHA256 --
ok_case server-ciphers "server --ciphers"
expect_contains "$WORK/server-ciphers.out" "Cipher is TLS_CHACHA20_POLY1305_SHA256" "server --ciphers: s_client got ChaCha20"

echo "# groups (s_client offers one)"
declare -A TEMPKEY=([x25519]="Server Temp Key: X25519" [secp256r1]="Server Temp Key: ECDH, prime256v1"
  [secp384r1]="Server Temp Key: ECDH, secp384r1" [x448]="Server Temp Key: X448"
  [secp521r1]="Server Temp Key: ECDH, secp521r1" [ffdhe2048]="Server Temp Key: DH, 2048 bits"
  [ffdhe3072]="Server Temp Key: DH, 3072 bits" [ffdhe4096]="Server Temp Key: DH, 4096 bits"
  [ffdhe6144]="Server Temp Key: DH, 6144 bits" [ffdhe8192]="Server Temp Key: DH, 8192 bits")
# The FFDHE groups as TLS 1.3 key shares (RFC 8446 4.2.8.1), from the
# server's default list.
for group in x25519 secp256r1 secp384r1 x448 secp521r1 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
  echo_case "group-$group" -- -groups "$group"
  ok_case "group-$group" "$group"
  expect_contains "$WORK/group-$group.out" "${TEMPKEY[$group]}" "$group: s_client used $group"
  expect_hs "$WORK/group-$group-srv.log" group "$group" "$group: server says group=$group"
done

echo "# certificate types"
declare -A PEERSIG=([rsa]="Peer signature type: RSA-PSS" [ecdsa]="Peer signature type: ECDSA"
  [ed25519]="Peer signature type: ed25519")
for kt in rsa ecdsa ed25519; do
  echo_case "cert-$kt" --cert "$PKI/$kt.pem" --key "$PKI/$kt.key" --
  ok_case "cert-$kt" "$kt certificate"
  expect_contains "$WORK/cert-$kt.out" "${PEERSIG[$kt]}" "$kt certificate: ${PEERSIG[$kt]}"
done

echo "# HelloRetryRequest (s_client's first share is x25519, clasp server takes only secp256r1)"
echo_case hrr --groups secp256r1 -- -groups x25519:secp256r1 -trace
ok_case hrr "HRR"
n=$(grep -c "ClientHello, Length=" "$WORK/hrr.out")
if [[ $n -eq 2 ]]; then pass "HRR: s_client sent a second ClientHello"; else fail "HRR: s_client sent $n ClientHellos, wanted 2" "$WORK/hrr.out"; fi
expect_contains "$WORK/hrr.out" "Server Temp Key: ECDH, prime256v1" "HRR: s_client used secp256r1"
expect_hs "$WORK/hrr-srv.log" group secp256r1 "HRR: server says group=secp256r1"
if grep -q "cookie" "$WORK/hrr.out"; then
  fail "HRR: no cookie unless --hrr-cookie (as OpenSSL and GnuTLS)" "$WORK/hrr.out"
else
  pass "HRR: no cookie unless --hrr-cookie (as OpenSSL and GnuTLS)"
fi
echo_case hrr-cookie --groups secp256r1 --hrr-cookie -- -groups x25519:secp256r1 -trace
ok_case hrr-cookie "HRR with a cookie"
n=$(grep -c "extension_type=cookie[_a-z]*(44)" "$WORK/hrr-cookie.out")
if [[ $n -eq 2 ]]; then
  pass "HRR --hrr-cookie: the HelloRetryRequest has a cookie and s_client echoes it"
else
  fail "HRR --hrr-cookie: $n cookie extensions in the trace, wanted 2 (HRR, ClientHello)" "$WORK/hrr-cookie.out"
fi
for group in x448 secp521r1 ffdhe2048; do
  echo_case "hrr-$group" --groups "$group" -- -groups "x25519:$group"
  ok_case "hrr-$group" "HRR to $group"
  expect_contains "$WORK/hrr-$group.out" "${TEMPKEY[$group]}" "HRR to $group: s_client used $group"
  expect_hs "$WORK/hrr-$group-srv.log" group "$group" "HRR to $group: server says group=$group"
done

echo "# client authentication (clasp server --verify-client ca.pem)"
echo_case cauth-ok --verify-client "$PKI/ca.pem" -- -cert "$PKI/client.pem" -key "$PKI/client.key"
ok_case cauth-ok "client cert"
echo_case cauth-none --verify-client "$PKI/ca.pem" --
if [[ $RC -ne 0 ]] || ! grep -qF -- "$TEXT" "$WORK/cauth-none.out"; then
  pass "no client cert: the connection is refused"
else
  fail "no client cert: the connection is refused (s_client exited 0 and got its line back)" "$WORK/cauth-none.out"
fi
expect_contains "$WORK/cauth-none-srv.log" "clasp: error:" "no client cert: the server reports an error"
if grep "clasp: error:" "$WORK/cauth-none-srv.log" 2>/dev/null | grep -qi certificate; then
  pass "no client cert: the server's error mentions the certificate"
else
  fail "no client cert: the server's error mentions the certificate" "$WORK/cauth-none-srv.log"
fi
echo_case cauth-bad --verify-client "$PKI/ca.pem" -- -cert "$PKI/badclient.pem" -key "$PKI/badclient.key"
if [[ $RC -ne 0 ]] || ! grep -qF -- "$TEXT" "$WORK/cauth-bad.out"; then
  pass "untrusted client cert: the connection is refused"
else
  fail "untrusted client cert: the connection is refused (s_client exited 0 and got its line back)" "$WORK/cauth-bad.out"
fi
expect_contains "$WORK/cauth-bad-srv.log" "clasp: error:" "untrusted client cert: the server reports an error"

echo "# ALPN"
echo_case alpn --alpn h2 -- -alpn h2
ok_case alpn "ALPN h2"
expect_contains "$WORK/alpn.out" "ALPN protocol: h2" "ALPN: s_client says 'ALPN protocol: h2'"
expect_hs "$WORK/alpn-srv.log" alpn h2 "ALPN: server says alpn=h2"
echo_case alpn-pref --alpn h2,http/1.1 -- -alpn http/1.1
ok_case alpn-pref "ALPN http/1.1"
expect_contains "$WORK/alpn-pref.out" "ALPN protocol: http/1.1" "ALPN: the one protocol in common is chosen"

echo "# SNI (clasp server --www shows the name asked for on its page)"
# sni_case NAME [s_client args...]: `clasp server --www --count 1`, and
# s_client sending one GET; s_client exits when the server closes.
sni_case() {
  local name=$1
  shift
  local port
  port=$(free_port)
  RC=99
  if ! start_clasp_server "$name-srv" "$port" --www --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  printf 'GET / HTTP/1.0\r\n\r\n' | run_timeout 20 openssl s_client -connect "127.0.0.1:$port" -tls1_3 \
    -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost -ign_eof "$@" >"$WORK/$name.out" 2>&1
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}
sni_case sni -servername localhost
expect_status "$RC" 0 "SNI localhost: s_client exits 0" "$WORK/sni.out" "$WORK/sni-srv.log"
expect_contains "$WORK/sni.out" "server name: localhost" "SNI localhost: the server saw the name"
expect_hs "$WORK/sni-srv.log" version TLSv1.3 "SNI localhost: server says version=TLSv1.3"
sni_case nosni -noservername
expect_status "$RC" 0 "no SNI: s_client exits 0" "$WORK/nosni.out" "$WORK/nosni-srv.log"
expect_contains "$WORK/nosni.out" "server name: -" "no SNI: the server saw none"

echo "# a 20000-byte line (several records each way)"
port=$(free_port)
if start_clasp_server big-srv "$port" --echo --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  big=$(head -c 15000 /dev/urandom | base64 -w0 | head -c 20000)
  s_client_echo big "$big" -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca.pem" \
    -verify_return_error -verify_hostname localhost
  RC=$?
  expect_status "$RC" 0 "20000-byte line: s_client exits 0" "$WORK/big-srv.log"
  if grep -qF -- "$big" "$WORK/big.out"; then pass "20000-byte line: came back intact"; else fail "20000-byte line: came back intact"; fi
  wait_exit big-srv 5 || stop_bg big-srv
else
  fail "big: clasp server did not start" "$WORK/big-srv.log"
fi

echo "# KeyUpdate: s_client's 'K' command asks the server to update its keys too"
port=$(free_port)
if start_clasp_server ku-srv "$port" --echo --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  client_dialog ku "send before the key update
wait before the key update
send K
wait KEYUPDATE
send after the key update
wait after the key update" openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca.pem" \
    -verify_return_error -msg
  RC=$?
  expect_status "$RC" 0 "KeyUpdate: s_client exits 0 (every step answered)" "$WORK/ku.out" "$WORK/ku-srv.log"
  expect_contains "$WORK/ku.out" "<<< TLS 1.3, Handshake [length 0005], KeyUpdate" "KeyUpdate: the server answered with its own KeyUpdate"
  expect_contains "$WORK/ku.out" "after the key update" "KeyUpdate: data flows both ways on the new keys"
  expect_clean_exit ku-srv "KeyUpdate: the server exits cleanly"
else
  fail "ku: clasp server did not start" "$WORK/ku-srv.log"
fi

echo "# key log matches OpenSSL's"
echo_case keylog --keylog "$WORK/keylog-clasp.txt" -- -keylogfile "$WORK/keylog-ossl.txt"
ok_case keylog "keylog"
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
  ours=$(grep -s "^$label " "$WORK/keylog-clasp.txt" | tr 'A-F' 'a-f')
  theirs=$(grep -s "^$label " "$WORK/keylog-ossl.txt" | tr 'A-F' 'a-f')
  if [[ -n $ours && $ours == "$theirs" ]]; then
    pass "keylog: $label matches s_client's"
  else
    fail "keylog: $label differs or is missing (clasp: '${ours:0:40}...', s_client: '${theirs:0:40}...')"
  fi
done

echo "# the server exits cleanly after --count connections"
port=$(free_port)
if start_clasp_server count-srv "$port" --echo --count 2 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  s_client_echo count1 "first" -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca.pem" -verify_return_error
  s_client_echo count2 "second" -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca.pem" -verify_return_error
  expect_contains "$WORK/count2.out" "second" "--count 2: second connection served"
  expect_clean_exit count-srv "--count 2: server exits by itself"
else
  fail "count: clasp server did not start" "$WORK/count-srv.log"
fi

finish
