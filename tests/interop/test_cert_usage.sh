#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Certificates used only for what they allow, against OpenSSL on the wire:
# keyUsage (digitalSignature to sign CertificateVerify / ServerKeyExchange,
# keyEncipherment for TLS 1.2 RSA key exchange) and extendedKeyUsage
# (serverAuth / clientAuth, anyExtendedKeyUsage accepted). openssl s_server
# and s_client do not check their own certificate's keyUsage in these cases,
# so clasp's refusal shows as an unsupported_certificate alert (43) at the
# OpenSSL end. Also: a clasp server whose RSA certificate allows only
# keyEncipherment serves RSA key exchange and refuses TLS 1.3 clearly, and
# one whose certificate allows nothing TLS needs does not start.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools openssl openssl

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# Leaves from the test CA with the usages under test.
cat >"$PKI/usage.cnf" <<'EOF'
[srv_good]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_none]
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_no_ds]
keyUsage = critical, keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_ke_only]
keyUsage = critical, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_ds_only]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_eku_client]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[srv_eku_any]
keyUsage = critical, digitalSignature
extendedKeyUsage = anyExtendedKeyUsage
subjectAltName = DNS:localhost, IP:127.0.0.1
[cli_good]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[cli_eku_server]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
[cli_no_ds]
keyUsage = critical, keyAgreement
extendedKeyUsage = clientAuth
EOF

# usage_leaf NAME TYPE SECTION CN: PKI/NAME.pem and .key, issued by ca.pem.
usage_leaf() {
  local name=$1 type=$2 section=$3 cn=$4
  (
    set -e
    cd "$PKI"
    exec >"$name.log" 2>&1
    case $type in
      rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" ;;
      *) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" ;;
    esac
    openssl req -new -key "$name.key" -out "$name.csr" -subj "/O=clasp tests/CN=$cn"
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 8)" -days 30 -sha256 \
      -extfile usage.cnf -extensions "$section" -out "$name.pem"
  ) || { fail "making $name" "$PKI/$name.log"; finish; }
}
usage_leaf srv_good ecdsa srv_good localhost
usage_leaf srv_none ecdsa srv_none localhost
usage_leaf srv_rsa_none rsa srv_none localhost
usage_leaf srv_no_ds ecdsa srv_no_ds localhost
usage_leaf srv_rsa_ke_only rsa srv_ke_only localhost
usage_leaf srv_rsa_ds_only rsa srv_ds_only localhost
usage_leaf srv_eku_client ecdsa srv_eku_client localhost
usage_leaf srv_eku_any ecdsa srv_eku_any localhost
usage_leaf cli_good ecdsa cli_good "usage client"
usage_leaf cli_eku_server ecdsa cli_eku_server "usage client"
usage_leaf cli_no_ds ecdsa cli_no_ds "usage client"

echo "# clasp client against openssl s_server"
# server_case NAME CERT [s_server args...] -- [clasp client args...]: sets RC.
server_case() {
  local name=$1 cert=$2 port s c
  shift 2
  split_args s c "$@"
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -www -naccept 1 -cert "$PKI/$cert.pem" \
    -key "$PKI/$cert.key" "${s[@]}"; then
    fail "$name: openssl s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / "${c[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# client_refused NAME DESC SENTENCE: clasp client failed saying SENTENCE,
# and s_server received unsupported_certificate (43).
client_refused() {
  local name=$1 desc=$2
  expect_status "$RC" nonzero "$desc: clasp client fails" "$WORK/$name.err"
  expect_contains "$WORK/$name.err" "clasp: error: $3" "$desc: clasp says why"
  expect_contains "$WORK/$name-srv.log" "SSL alert number 43" "$desc: s_server got unsupported_certificate (43)"
  expect_not_contains "$WORK/$name.out" "HTTP/1.0 200" "$desc: no data was accepted"
}

server_case no-ds-13 srv_no_ds -tls1_3 -- --tls1.3
client_refused no-ds-13 "ECDSA leaf without digitalSignature, TLS 1.3" \
  "the server's certificate 'CN=localhost, O=clasp tests' does not allow digital signatures (keyUsage: keyAgreement), which TLS 1.3 needs for the server's CertificateVerify"
# (s_server itself will not sign an ECDHE-ECDSA key exchange with that
# certificate, so TLS 1.2 ECDHE is checked with an RSA one.)
server_case ke-only-ecdhe srv_rsa_ke_only -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -- --tls1.2
client_refused ke-only-ecdhe "RSA leaf with keyEncipherment only, TLS 1.2 ECDHE-RSA" \
  "the server's certificate 'CN=localhost, O=clasp tests' does not allow digital signatures (keyUsage: keyEncipherment), which TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 needs to sign the ServerKeyExchange"
server_case ds-only-rsa srv_rsa_ds_only -tls1_2 -cipher AES128-GCM-SHA256 -- --tls1.2
client_refused ds-only-rsa "RSA leaf with digitalSignature only, RSA key exchange" \
  "the server's certificate 'CN=localhost, O=clasp tests' does not allow key encipherment (keyUsage: digitalSignature), which RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256) needs to receive the premaster secret"
server_case eku-client srv_eku_client --
client_refused eku-client "server leaf with extendedKeyUsage clientAuth only" \
  "server certificate rejected: certificate 'CN=localhost, O=clasp tests' is not for TLS servers: its extendedKeyUsage allows only clientAuth"

# accepted NAME DESC
accepted() {
  expect_status "$RC" 0 "$2: accepted" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200" "$2: the page arrives"
}
server_case good srv_good --
accepted good "digitalSignature + serverAuth"
server_case none srv_none --
accepted none "no keyUsage or extendedKeyUsage"
server_case eku-any srv_eku_any --
accepted eku-any "extendedKeyUsage anyExtendedKeyUsage"
server_case ke-only-rsa srv_rsa_ke_only -tls1_2 -cipher AES128-GCM-SHA256 -- --tls1.2
accepted ke-only-rsa "keyEncipherment only, RSA key exchange"
server_case none-rsa-kx srv_rsa_none -tls1_2 -cipher AES128-GCM-SHA256 -- --tls1.2
accepted none-rsa-kx "RSA leaf without extensions, RSA key exchange"

echo "# openssl s_client against clasp server"
# clasp_server_case NAME CERT [clasp server args...] -- [s_client args...]:
# s_client sends a request and waits (bounded) for an alert or the page.
clasp_server_case() {
  local name=$1 cert=$2 port s c
  shift 2
  split_args s c "$@"
  port=$(free_port)
  if ! start_clasp_server "$name-srv" "$port" --www --count 1 --cert "$PKI/$cert.pem" \
    --key "$PKI/$cert.key" "${s[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  # TLS 1.3: the client finishes before the server reads its certificate,
  # so the alert comes when s_client reads.
  client_dialog "$name" $'send GET / HTTP/1.0\nsend \nwait SSL alert number' \
    openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$PKI/ca.pem" \
    -nocommands -ign_eof "${c[@]}"
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# server_refused NAME DESC ALERT SENTENCE
server_refused() {
  expect_contains "$WORK/$1-srv.log" "clasp: error: $4" "$2: clasp server says why"
  expect_contains "$WORK/$1.out" "SSL alert number $3" "$2: s_client got alert $3"
  expect_not_contains "$WORK/$1.out" "200 OK" "$2: no page was served"
}

for v in 1_3 1_2; do
  clasp_server_case "cli-eku-server-$v" srv_good --verify-client "$PKI/ca.pem" -- "-tls$v" \
    -cert "$PKI/cli_eku_server.pem" -key "$PKI/cli_eku_server.key"
  server_refused "cli-eku-server-$v" "TLS ${v/_/.} client leaf with extendedKeyUsage serverAuth only" 43 \
    "client certificate rejected: certificate 'CN=usage client, O=clasp tests' is not for TLS clients: its extendedKeyUsage allows only serverAuth"
  clasp_server_case "cli-no-ds-$v" srv_good --verify-client "$PKI/ca.pem" -- "-tls$v" \
    -cert "$PKI/cli_no_ds.pem" -key "$PKI/cli_no_ds.key"
  server_refused "cli-no-ds-$v" "TLS ${v/_/.} client leaf without digitalSignature" 43 \
    "the client's certificate 'CN=usage client, O=clasp tests' does not allow digital signatures (keyUsage: keyAgreement), which TLS 1.${v#1_} needs for the client's CertificateVerify"
done

port=$(free_port)
if start_clasp_server cli-good-srv "$port" --www --count 1 --cert "$PKI/srv_good.pem" \
  --key "$PKI/srv_good.key" --verify-client "$PKI/ca.pem"; then
  client_dialog cli-good $'send GET / HTTP/1.0\nsend \nwait HTTP/1.1 200 OK' \
    openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$PKI/ca.pem" \
    -nocommands -ign_eof -cert "$PKI/cli_good.pem" -key "$PKI/cli_good.key"
  expect_contains "$WORK/cli-good.out" "HTTP/1.1 200 OK" "client leaf with digitalSignature + clientAuth: served"
  wait_exit cli-good-srv 5 || stop_bg cli-good-srv
else
  fail "cli-good: clasp server did not start" "$WORK/cli-good-srv.log"
fi

echo "# clasp server's own certificate"
# keyEncipherment only: TLS 1.2 clients get RSA key exchange though they
# prefer ECDHE; TLS 1.3 clients get handshake_failure and a clear reason.
port=$(free_port)
if start_clasp_server ke-server-srv "$port" --www --count 1 --cert "$PKI/srv_rsa_ke_only.pem" \
  --key "$PKI/srv_rsa_ke_only.key"; then
  client_dialog ke-server $'send GET / HTTP/1.0\nsend \nwait HTTP/1.1 200 OK' \
    openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$PKI/ca.pem" \
    -nocommands -ign_eof -tls1_2 -verify_return_error
  expect_contains "$WORK/ke-server.out" "Cipher is AES128-GCM-SHA256" \
    "keyEncipherment-only server certificate, TLS 1.2: RSA key exchange chosen"
  expect_contains "$WORK/ke-server.out" "HTTP/1.1 200 OK" "keyEncipherment-only server certificate, TLS 1.2: served"
  wait_exit ke-server-srv 5 || stop_bg ke-server-srv
else
  fail "ke-server: clasp server did not start" "$WORK/ke-server-srv.log"
fi
clasp_server_case ke-server-13 srv_rsa_ke_only -- -tls1_3
server_refused ke-server-13 "keyEncipherment-only server certificate, TLS 1.3" 40 \
  "no certificate of this server allows digital signatures (keyUsage), which TLS 1.3 needs"

run_timeout 10 "$CLASP" server --port 0 --cert "$PKI/srv_no_ds.pem" --key "$PKI/srv_no_ds.key" \
  >"$WORK/no-ds-server.out" 2>"$WORK/no-ds-server.err"
expect_status $? nonzero "server certificate without digitalSignature (ECDSA): clasp server does not start" "$WORK/no-ds-server.err"
expect_contains "$WORK/no-ds-server.err" "cannot serve a TLS server: its keyUsage (keyAgreement) allows neither digitalSignature" \
  "server certificate without digitalSignature (ECDSA): clasp says why"

finish
