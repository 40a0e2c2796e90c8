#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A third independent TLS stack, NSS (Firefox's): its test client tstclnt
# against `clasp server --www`, and `clasp client` against its test server
# selfserv. TLS 1.3 and 1.2, suites, groups, HelloRetryRequest, RSA and
# ECDSA certificates, RSA and DHE key exchange, client certificates,
# resumption, and certificate checks failing on both sides.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools libnss3-tools tstclnt selfserv certutil pk12util

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# An NSS database with the test CA trusted for TLS, and the server and
# client keys imported (PKCS#12 made with the openssl CLI). NSS files
# certificates of one subject under one nickname, and selfserv's -n (RSA)
# and -e (ECDSA) then each get whichever of the two NSS finds first: the
# RSA suites failed now and then. So selfserv's RSA certificate is a leaf
# of its own subject (nss-rsa), filed as "rsa", and the ECDSA one "ecdsa".
DB=sql:$WORK/nssdb
DB_NOKEYS=sql:$WORK/nssdb-nokeys
make_nss_dbs() {
  mkdir -p "$WORK/nssdb" "$WORK/nssdb-nokeys" || return 1
  certutil -N -d "$DB" --empty-password || return 1
  certutil -A -d "$DB" -n ca -t "CT,C,C" -i "$PKI/ca.pem" || return 1
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/nss-rsa.key" || return 1
  openssl req -new -key "$PKI/nss-rsa.key" -out "$PKI/nss-rsa.csr" \
    -subj "/O=clasp tests RSA/CN=localhost" || return 1
  openssl x509 -req -in "$PKI/nss-rsa.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 825 -sha256 \
    -extfile "$PKI/ext.cnf" -extensions server_ext -out "$PKI/nss-rsa.pem" || return 1
  local k src
  for k in ecdsa rsa client; do
    src=$k
    [[ $k == rsa ]] && src=nss-rsa
    openssl pkcs12 -export -in "$PKI/$src.pem" -inkey "$PKI/$src.key" -name "$k" \
      -out "$WORK/$k.p12" -passout pass:p12 || return 1
    pk12util -i "$WORK/$k.p12" -d "$DB" -W p12 -K '' || return 1
  done
  # A second database that only trusts the CA: NSS's client picks a client
  # certificate by itself when its database has one.
  certutil -N -d "$DB_NOKEYS" --empty-password || return 1
  certutil -A -d "$DB_NOKEYS" -n ca -t "CT,C,C" -i "$PKI/ca.pem"
}
if ! make_nss_dbs >"$WORK/nssdb.log" 2>&1; then
  fail "could not build the NSS databases" "$WORK/nssdb.log"
  finish
fi

echo "# tstclnt -> clasp server --www"
printf 'GET / HTTP/1.0\r\n\r\n' >"$WORK/request"
# tst_case NAME [clasp server args...] -- [tstclnt args...]
# tstclnt sends a GET read from a file (-A): with a pipe on stdin it spins
# after the server closes instead of exiting. Sets RC; files NAME.out
# (tstclnt), NAME-srv.log (clasp server).
tst_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"
  local port
  port=$(free_port)
  RC=99
  if ! start_clasp_server "$name-srv" "$port" --www --count 1 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  run_timeout 20 tstclnt -h localhost -p "$port" -d "${TST_DB:-$DB}" -A "$WORK/request" "${cargs[@]}" \
    </dev/null >"$WORK/$name.out" 2>&1
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

tst_ok() { # tst_ok NAME DESC: tstclnt verified the server and got the page
  expect_status "$RC" 0 "$2: tstclnt exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.1 200 OK" "$2: tstclnt got the page"
  expect_contains "$WORK/$1.out" "issuer  DN: CN=clasp test CA" "$2: tstclnt checked the chain to the test CA"
}

tst_case t13 -- -V tls1.3:tls1.3
tst_ok t13 "TLS 1.3"
expect_hs "$WORK/t13-srv.log" version TLSv1.3 "TLS 1.3: server says version=TLSv1.3"
expect_hs "$WORK/t13-srv.log" sigalg ecdsa_secp256r1_sha256 "TLS 1.3: ECDSA signature"

declare -A SUITE13=([1301]=TLS_AES_128_GCM_SHA256 [1302]=TLS_AES_256_GCM_SHA384
  [1303]=TLS_CHACHA20_POLY1305_SHA256)
for code in 1301 1302 1303; do
  tst_case "t13-$code" -- -V tls1.3:tls1.3 -c ":$code"
  tst_ok "t13-$code" "TLS 1.3 ${SUITE13[$code]}"
  expect_hs "$WORK/t13-$code-srv.log" cipher "${SUITE13[$code]}" "TLS 1.3 ${SUITE13[$code]}: server says so"
done

declare -A GROUP13=([P256]=secp256r1 [P384]=secp384r1 [x25519]=x25519)
for g in P256 P384 x25519; do
  tst_case "t13-$g" -- -V tls1.3:tls1.3 -I "$g"
  tst_ok "t13-$g" "TLS 1.3 group ${GROUP13[$g]}"
  expect_hs "$WORK/t13-$g-srv.log" group "${GROUP13[$g]}" "TLS 1.3 group ${GROUP13[$g]}: server says so"
done

# tstclnt sends a key share for its first group only: a server that takes
# only the second one has to ask again.
tst_case t13-hrr --groups secp256r1 -- -V tls1.3:tls1.3 -I x25519,P256
tst_ok t13-hrr "TLS 1.3 HelloRetryRequest"
expect_hs "$WORK/t13-hrr-srv.log" group secp256r1 "HRR: server says group=secp256r1"

tst_case t13-rsa --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- -V tls1.3:tls1.3
tst_ok t13-rsa "TLS 1.3 RSA certificate"
expect_hs "$WORK/t13-rsa-srv.log" sigalg rsa_pss_rsae_sha256 "TLS 1.3 RSA certificate: RSA-PSS signature"

tst_case t13-cauth --verify-client "$PKI/ca.pem" -- -V tls1.3:tls1.3 -n client
tst_ok t13-cauth "TLS 1.3 client certificate"

TST_DB=$DB_NOKEYS tst_case t13-cauth-none --verify-client "$PKI/ca.pem" -- -V tls1.3:tls1.3
expect_not_contains "$WORK/t13-cauth-none.out" "HTTP/1.1 200 OK" "TLS 1.3 no client certificate: no page"
expect_contains "$WORK/t13-cauth-none-srv.log" "clasp: error:" "TLS 1.3 no client certificate: the server reports an error"
expect_contains_i "$WORK/t13-cauth-none-srv.log" "certificate" "TLS 1.3 no client certificate: the error says certificate"

# TLS 1.2: ECDHE with both certificate types, RSA key exchange, DHE.
declare -A SUITE12=(
  [C02B]="ecdsa TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
  [C02C]="ecdsa TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
  [CCA9]="ecdsa TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
  [C02F]="rsa TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  [C030]="rsa TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
  [CCA8]="rsa TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
  [009C]="rsa TLS_RSA_WITH_AES_128_GCM_SHA256"
  [009D]="rsa TLS_RSA_WITH_AES_256_GCM_SHA384"
  [009E]="rsa TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"
)
for code in C02B C02C CCA9 C02F C030 CCA8 009C 009D 009E; do
  read -r kt suite <<<"${SUITE12[$code]}"
  tst_case "t12-$code" --cert "$PKI/$kt.pem" --key "$PKI/$kt.key" -- -V tls1.2:tls1.2 -c ":$code"
  tst_ok "t12-$code" "TLS 1.2 $suite"
  expect_hs "$WORK/t12-$code-srv.log" cipher "$suite" "TLS 1.2 $suite: server says so"
  expect_hs "$WORK/t12-$code-srv.log" version TLSv1.2 "TLS 1.2 $suite: version=TLSv1.2"
done

tst_case t12-cauth --verify-client "$PKI/ca.pem" -- -V tls1.2:tls1.2 -n client
tst_ok t12-cauth "TLS 1.2 client certificate"

# tstclnt checks the chain: a certificate from a CA it does not trust is
# refused, and clasp reports the alert it got.
tst_case t13-untrusted --cert "$PKI/untrusted.pem" --key "$PKI/untrusted.key" -- -V tls1.3:tls1.3
expect_status "$RC" nonzero "untrusted server certificate: tstclnt fails" "$WORK/t13-untrusted.out"
expect_not_contains "$WORK/t13-untrusted.out" "HTTP/1.1 200 OK" "untrusted server certificate: no page"
expect_contains "$WORK/t13-untrusted-srv.log" "clasp: error:" "untrusted server certificate: clasp server reports the failure"
expect_contains "$WORK/t13-untrusted-srv.log" "unknown_ca" "untrusted server certificate: the error names NSS's unknown_ca alert"

echo "# clasp client -> selfserv"
# serve NAME [selfserv args...]: starts selfserv with the server keys on a
# free port ($PORT) and waits until it accepts connections.
serve() {
  local name=$1
  shift
  PORT=$(free_port)
  start_bg "$name" selfserv -d "$DB" -p "$PORT" -n rsa -e ecdsa "$@"
  if ! wait_port "$PORT" 10; then
    fail "$name: selfserv did not start" "$WORK/$name.log"
    return 1
  fi
}

# cli NAME ARGS...: clasp client --get / against $PORT; sets RC.
cli() {
  local name=$1
  shift
  clasp_client "$name" "127.0.0.1:$PORT" --servername localhost --cafile "$PKI/ca.pem" --get / "$@"
  RC=$?
}

cli_ok() { # cli_ok NAME DESC
  expect_status "$RC" 0 "$2: clasp client exits 0" "$WORK/$1.err"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 OK" "$2: got the selfserv page"
}

if serve ss-main -V tls1.2:tls1.3 -H 1; then
  cli c13
  cli_ok c13 "TLS 1.3"
  expect_hs "$WORK/c13.err" version TLSv1.3 "TLS 1.3: version=TLSv1.3"
  for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
    cli "c13-$suite" --ciphers "$suite"
    cli_ok "c13-$suite" "TLS 1.3 $suite"
    expect_hs "$WORK/c13-$suite.err" cipher "$suite" "TLS 1.3 $suite: negotiated"
  done
  for group in secp256r1 secp384r1; do
    cli "c13-$group" --groups "$group"
    cli_ok "c13-$group" "TLS 1.3 $group"
    expect_hs "$WORK/c13-$group.err" group "$group" "TLS 1.3 $group: negotiated"
  done
  for suite in TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 \
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 TLS_RSA_WITH_AES_128_GCM_SHA256 \
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256; do
    cli "c12-$suite" --tls1.2 --ciphers "$suite"
    cli_ok "c12-$suite" "TLS 1.2 $suite"
    expect_hs "$WORK/c12-$suite.err" cipher "$suite" "TLS 1.2 $suite: negotiated"
  done
  # The chain is checked: with another CA as the only trust anchor, clasp
  # refuses selfserv's certificate and says so.
  clasp_client c-untrusted "127.0.0.1:$PORT" --servername localhost --cafile "$PKI/untrusted-ca.pem" --get /
  RC=$?
  expect_status "$RC" 1 "untrusted CA: clasp client fails" "$WORK/c-untrusted.err"
  expect_contains_i "$WORK/c-untrusted.err" "certificate" "untrusted CA: the error is about the certificate"
  stop_bg ss-main
fi

# Client certificates: selfserv -r -r requires one.
if serve ss-cauth -V tls1.2:tls1.3 -r -r; then
  cli c13-cauth --cert "$PKI/client.pem" --key "$PKI/client.key"
  cli_ok c13-cauth "TLS 1.3 client certificate"
  cli c12-cauth --tls1.2 --cert "$PKI/client.pem" --key "$PKI/client.key"
  cli_ok c12-cauth "TLS 1.2 client certificate"
  cli c13-cauth-none
  expect_status "$RC" 1 "no client certificate: clasp client fails" "$WORK/c13-cauth-none.err"
  expect_contains "$WORK/c13-cauth-none.err" "clasp: error:" "no client certificate: clasp says why"
  stop_bg ss-cauth
fi

# Resumption: selfserv -u issues session tickets.
if serve ss-resume -V tls1.2:tls1.3 -u; then
  cli c13-resume --resume
  cli_ok c13-resume "TLS 1.3 resumption"
  expect_hs "$WORK/c13-resume.err" resumed yes "TLS 1.3 resumption: second connection resumed=yes"
  cli c12-resume --tls1.2 --resume
  cli_ok c12-resume "TLS 1.2 resumption"
  expect_hs "$WORK/c12-resume.err" resumed yes "TLS 1.2 resumption: second connection resumed=yes"
  stop_bg ss-resume
fi

finish
