#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `clasp client` against `openssl s_server` (TLS 1.3): every suite, group and
# certificate type, HelloRetryRequest, client authentication, ALPN, SNI, and
# the key log compared with OpenSSL's.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# www_case NAME [s_server args...] -- [clasp client args...]
# Starts `openssl s_server -tls1_3 -www -naccept 1` (ECDSA certificate unless
# the args give another) on a free port, runs `clasp client 127.0.0.1:PORT
# --servername localhost --cafile ca.pem --get / ARGS`, and stops the server.
# Sets RC to the client's status; files: NAME.out, NAME.err, NAME-srv.log.
www_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key"

  local port
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -tls1_3 -www -naccept 1 "${sargs[@]}"; then
    fail "$name: openssl s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost \
    --cafile "$PKI/ca.pem" --get / "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" $((RC == 0 ? 5 : 2)) || stop_bg "$name-srv"
}

# ok_case NAME DESC: the client succeeded, got s_server's page, said TLSv1.3.
ok_case() {
  expect_status "$RC" 0 "$2: clasp client exits 0" "$WORK/$1.err"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 ok" "$2: got the s_server page"
  expect_hs "$WORK/$1.err" version TLSv1.3 "$2: version=TLSv1.3"
}

echo "# cipher suites (s_server offers one)"
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
  www_case "suite-$suite" -ciphersuites "$suite" --
  ok_case "suite-$suite" "$suite"
  expect_hs "$WORK/suite-$suite.err" cipher "$suite" "$suite: cipher=$suite"
  expect_contains "$WORK/suite-$suite.out" "Cipher is $suite" "$suite: s_server agrees"
done

echo "# cipher suite chosen by the client (--ciphers)"
www_case client-ciphers -- --ciphers TLS_AES_256_GCM_SHA384
ok_case client-ciphers "--ciphers TLS_AES_256_GCM_SHA384"
expect_hs "$WORK/client-ciphers.err" cipher TLS_AES_256_GCM_SHA384 "--ciphers: cipher=TLS_AES_256_GCM_SHA384"

echo "# groups (both sides offer one)"
for group in x25519 secp256r1 secp384r1 x448 secp521r1 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
  www_case "group-$group" -groups "$group" -- --groups "$group"
  ok_case "group-$group" "$group"
  expect_hs "$WORK/group-$group.err" group "$group" "$group: group=$group"
done

echo "# certificate types"
declare -A SIGALG=([rsa]=rsa_pss_rsae_sha256 [ecdsa]=ecdsa_secp256r1_sha256 [ed25519]=ed25519)
for kt in rsa ecdsa ed25519; do
  www_case "cert-$kt" -cert "$PKI/$kt.pem" -key "$PKI/$kt.key" --
  ok_case "cert-$kt" "$kt certificate"
  expect_hs "$WORK/cert-$kt.err" sigalg "${SIGALG[$kt]}" "$kt certificate: sigalg=${SIGALG[$kt]}"
done

echo "# HelloRetryRequest (clasp's first key share is x25519, s_server wants secp256r1)"
www_case hrr -groups secp256r1 -- --groups x25519:secp256r1 --trace
ok_case hrr "HRR"
expect_hs "$WORK/hrr.err" group secp256r1 "HRR: group=secp256r1"
expect_contains_i "$WORK/hrr.err" HelloRetryRequest "HRR: --trace shows a HelloRetryRequest"
# clasp's default list offers the newer groups after its x25519 share.
for group in x448 secp521r1 ffdhe2048 ffdhe8192; do
  www_case "hrr-$group" -groups "$group" -- --trace
  ok_case "hrr-$group" "HRR to $group"
  expect_hs "$WORK/hrr-$group.err" group "$group" "HRR to $group (clasp's default groups): group=$group"
  expect_contains_i "$WORK/hrr-$group.err" HelloRetryRequest "HRR to $group: --trace shows a HelloRetryRequest"
done

echo "# client authentication (s_server -Verify 1)"
www_case cauth-ok -Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error -- \
  --cert "$PKI/client.pem" --key "$PKI/client.key"
ok_case cauth-ok "client cert"
expect_contains "$WORK/cauth-ok-srv.log" "CN = clasp test client" "client cert: s_server saw the client certificate"
www_case cauth-none -Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error --
expect_status "$RC" nonzero "no client cert: clasp client fails" "$WORK/cauth-none.err"
expect_contains "$WORK/cauth-none.err" "clasp: error:" "no client cert: clasp prints an error"
expect_contains "$WORK/cauth-none-srv.log" "peer did not return a certificate" "no client cert: s_server refused it"

echo "# ALPN"
www_case alpn -alpn h2,http/1.1 -- --alpn h2
ok_case alpn "ALPN h2"
expect_hs "$WORK/alpn.err" alpn h2 "ALPN: alpn=h2"
www_case alpn-none -alpn h2,http/1.1 --
ok_case alpn-none "no ALPN"
expect_hs "$WORK/alpn-none.err" alpn - "no ALPN offered: alpn=-"

echo "# SNI (s_server -servername localhost -servername_fatal)"
SNI_ARGS=(-servername localhost -servername_fatal -cert2 "$PKI/ecdsa.pem" -key2 "$PKI/ecdsa.key")
www_case sni-ok "${SNI_ARGS[@]}" --
ok_case sni-ok "SNI localhost"
expect_contains "$WORK/sni-ok-srv.log" 'Hostname in TLS extension: "localhost"' "SNI localhost: s_server saw it"
www_case sni-wrong "${SNI_ARGS[@]}" -- --servername example.com --insecure
expect_status "$RC" nonzero "SNI example.com: refused by s_server" "$WORK/sni-wrong.err"
expect_contains "$WORK/sni-wrong-srv.log" 'Hostname in TLS extension: "example.com"' "SNI example.com: s_server saw it"
expect_contains "$WORK/sni-wrong.err" "clasp: error:" "SNI example.com: clasp prints an error"

echo "# IP address target: no SNI sent, certificate checked against its IP SAN"
port=$(free_port)
if start_s_server ip-srv "$port" -tls1_3 -www -naccept 1 -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" \
  -servername localhost -cert2 "$PKI/ecdsa.pem" -key2 "$PKI/ecdsa.key"; then
  clasp_client ip "127.0.0.1:$port" --cafile "$PKI/ca.pem" --get /
  RC=$?
  wait_exit ip-srv 5 || stop_bg ip-srv
  ok_case ip "IP target"
  expect_not_contains "$WORK/ip-srv.log" "Hostname in TLS extension" "IP target: no SNI sent"
else
  fail "ip: openssl s_server did not start" "$WORK/ip-srv.log"
fi

echo "# key log matches OpenSSL's"
www_case keylog -keylogfile "$WORK/keylog-srv.txt" -- --keylog "$WORK/keylog-clasp.txt"
ok_case keylog "keylog"
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
  ours=$(grep -s "^$label " "$WORK/keylog-clasp.txt" | tr 'A-F' 'a-f')
  theirs=$(grep -s "^$label " "$WORK/keylog-srv.txt" | tr 'A-F' 'a-f')
  if [[ -n $ours && $ours == "$theirs" ]]; then
    pass "keylog: $label matches s_server's"
  else
    fail "keylog: $label differs or is missing (clasp: '${ours:0:40}...', s_server: '${theirs:0:40}...')"
  fi
done

finish
