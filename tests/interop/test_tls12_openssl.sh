#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS 1.2 against OpenSSL, both directions: `clasp client` against
# `openssl s_server -tls1_2 -www`, and `openssl s_client -tls1_2` against
# `clasp server --echo`. Every TLS 1.2 suite with every certificate type it
# allows, client authentication, extended master secret, ALPN, a 1.2-only
# peer against a default clasp, the --trace ladder, Diffie-Hellman groups
# (a refused 1024-bit one, named and unnamed 3072-bit ones, ffdhe6144 and
# ffdhe8192), ECDHE with x448 and secp521r1, renegotiation
# refused in both roles, and TLS_FALLBACK_SCSV.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
make_leaf "$PKI" ecdsa384 ecdsa384 || { fail "make_leaf ecdsa384"; finish; }
make_leaf "$PKI" client384 ecdsa384 client || { fail "make_leaf client384"; finish; }

# The suites: IANA name, OpenSSL name, certificate types it allows.
SUITES=(
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ECDHE-ECDSA-AES128-GCM-SHA256 ecdsa ecdsa384 ed25519"
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ECDHE-ECDSA-AES256-GCM-SHA384 ecdsa ecdsa384 ed25519"
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ECDHE-ECDSA-CHACHA20-POLY1305 ecdsa ecdsa384 ed25519"
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 ECDHE-RSA-AES128-GCM-SHA256 rsa"
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ECDHE-RSA-AES256-GCM-SHA384 rsa"
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 ECDHE-RSA-CHACHA20-POLY1305 rsa"
  "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 DHE-RSA-AES128-GCM-SHA256 rsa"
  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 DHE-RSA-AES256-GCM-SHA384 rsa"
  "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 DHE-RSA-CHACHA20-POLY1305 rsa"
  "TLS_RSA_WITH_AES_128_GCM_SHA256 AES128-GCM-SHA256 rsa"
  "TLS_RSA_WITH_AES_256_GCM_SHA384 AES256-GCM-SHA384 rsa"
)
# The handshake line's sigalg= for each certificate (RSA: OpenSSL and clasp
# both prefer PSS when the peer offers it), and s_client's "Peer signature type".
declare -A SIGALG=([rsa]=rsa_pss_rsae_sha256 [ecdsa]=ecdsa_secp256r1_sha256
  [ecdsa384]=ecdsa_secp384r1_sha384 [ed25519]=ed25519)
declare -A PEERSIG=([rsa]=RSA-PSS [ecdsa]=ECDSA [ecdsa384]=ECDSA [ed25519]=ed25519)

# expected_group IANA SERVER: the handshake line's group= with default
# groups on both sides: x25519 (first on both sides) for ECDHE, rsa for RSA
# key exchange, and for DHE: with a clasp server, ffdhe2048 (s_client offers
# it first); with s_server, dhe2048 (without -dhparam it uses RFC 3526's
# 2048-bit MODP group, which has no RFC 7919 name).
expected_group() {
  case $1 in
    TLS_ECDHE_*) echo x25519 ;;
    TLS_DHE_*) if [[ $2 == clasp ]]; then echo ffdhe2048; else echo dhe2048; fi ;;
    TLS_RSA_*) echo rsa ;;
  esac
}

# ---------------------------------------------------------------- the cases

# www_case NAME [s_server args...] -- [clasp client args...]
# Starts `openssl s_server -tls1_2 -www -no_ticket -naccept 1` (ECDSA
# certificate unless the args give -cert) on a free port, runs `clasp client
# 127.0.0.1:PORT --servername localhost --cafile ca.pem --get / ARGS`, and
# stops the server. The GET going out and s_server's page coming back is
# data both ways. Sets RC; files NAME.out, NAME.err, NAME-srv.log.
www_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key"
  local has_version=0 a
  for a in "${sargs[@]}"; do [[ $a == -tls1_* ]] && has_version=1; done
  ((has_version)) || sargs+=(-tls1_2)
  local port
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -www -no_ticket -naccept 1 "${sargs[@]}"; then
    fail "$name: openssl s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost \
    --cafile "$PKI/ca.pem" --get / "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" $((RC == 0 ? 5 : 2)) || stop_bg "$name-srv"
}

# www_ok NAME DESC: the clasp client succeeded, got the page, said TLSv1.2,
# and s_server's page says it negotiated TLS 1.2 too.
www_ok() {
  expect_status "$RC" 0 "$2: clasp client exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 ok" "$2: got the s_server page"
  expect_hs "$WORK/$1.err" version TLSv1.2 "$2: version=TLSv1.2"
  expect_contains "$WORK/$1.out" "Protocol  : TLSv1.2" "$2: s_server says TLSv1.2"
}

# echo_case NAME [clasp server args...] -- [s_client args...]
# Starts `clasp server --echo --count 1` (ECDSA certificate unless the args
# give --cert) on a free port, and runs `openssl s_client -tls1_2` (unless
# the args give another version) verifying "localhost" against ca.pem,
# sending one line that must come back. Sets RC and TEXT; files NAME.out
# (s_client), NAME-srv.log (clasp server).
echo_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"
  local has_version=0 a
  for a in "${cargs[@]}"; do [[ $a == -tls1* ]] && has_version=1; done
  ((has_version)) || cargs+=(-tls1_2)
  local port
  port=$(free_port)
  RC=99
  TEXT="hello from s_client, case $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 1 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  s_client_echo "$name" "$TEXT" -connect "127.0.0.1:$port" \
    -CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# echo_ok NAME DESC: s_client succeeded, verified, got its line back, and
# both sides say TLS 1.2.
echo_ok() {
  expect_status "$RC" 0 "$2: s_client exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "Verify return code: 0 (ok)" "$2: s_client verified the certificate"
  expect_contains "$WORK/$1.out" "$TEXT" "$2: the line came back"
  expect_contains "$WORK/$1.out" "Protocol  : TLSv1.2" "$2: s_client says TLSv1.2"
  expect_hs "$WORK/$1-srv.log" version TLSv1.2 "$2: server says version=TLSv1.2"
}

echo "# every suite and certificate type: clasp client -> s_server -tls1_2 -cipher X"
for row in "${SUITES[@]}"; do
  read -r iana ossl certs <<<"$row"
  group=$(expected_group "$iana" openssl)
  for kt in $certs; do
    n="c-$ossl-$kt"
    www_case "$n" -cipher "$ossl" -cert "$PKI/$kt.pem" -key "$PKI/$kt.key" --
    www_ok "$n" "$iana/$kt"
    expect_hs "$WORK/$n.err" cipher "$iana" "$iana/$kt: cipher=$iana"
    expect_hs "$WORK/$n.err" group "$group" "$iana/$kt: group=$group"
    if [[ $iana == TLS_RSA_* ]]; then
      expect_hs "$WORK/$n.err" sigalg - "$iana/$kt: sigalg=- (RSA key exchange)"
    elif [[ $kt == ecdsa384 ]]; then
      # In TLS 1.2 an ECDSA signature scheme names only the hash (RFC 5246
      # 7.4.1.4.1; RFC 8446 4.2.3 keeps 1.2's rules for 1.2): s_server signs
      # with the first ECDSA scheme clasp offers, whatever its key's curve.
      if hs_has "$WORK/$n.err" sigalg ecdsa_secp256r1_sha256 || hs_has "$WORK/$n.err" sigalg ecdsa_secp384r1_sha384; then
        pass "$iana/$kt: sigalg=ecdsa_secp256r1_sha256 or ecdsa_secp384r1_sha384"
      else
        fail "$iana/$kt: sigalg=ecdsa_secp256r1_sha256 or ecdsa_secp384r1_sha384" "$WORK/$n.err"
      fi
    else
      expect_hs "$WORK/$n.err" sigalg "${SIGALG[$kt]}" "$iana/$kt: sigalg=${SIGALG[$kt]}"
    fi
    expect_contains "$WORK/$n.out" "New, TLSv1.2, Cipher is $ossl" "$iana/$kt: s_server agrees on $ossl"
  done
done

echo "# every suite and certificate type: s_client -tls1_2 -cipher X -> clasp server"
for row in "${SUITES[@]}"; do
  read -r iana ossl certs <<<"$row"
  group=$(expected_group "$iana" clasp)
  for kt in $certs; do
    n="s-$ossl-$kt"
    echo_case "$n" --cert "$PKI/$kt.pem" --key "$PKI/$kt.key" -- -cipher "$ossl"
    echo_ok "$n" "$iana/$kt"
    expect_contains "$WORK/$n.out" "Cipher is $ossl" "$iana/$kt: s_client negotiated $ossl"
    expect_hs "$WORK/$n-srv.log" cipher "$iana" "$iana/$kt: server says cipher=$iana"
    expect_hs "$WORK/$n-srv.log" group "$group" "$iana/$kt: server says group=$group"
    case $iana in
      TLS_RSA_*)
        expect_hs "$WORK/$n-srv.log" sigalg - "$iana/$kt: server says sigalg=-"
        expect_not_contains "$WORK/$n.out" "Server Temp Key" "$iana/$kt: no ephemeral key (RSA key exchange)"
        ;;
      TLS_DHE_*)
        expect_contains "$WORK/$n.out" "Server Temp Key: DH, 2048 bits" "$iana/$kt: s_client got a 2048-bit DH key"
        expect_contains "$WORK/$n.out" "Peer signature type: ${PEERSIG[$kt]}" "$iana/$kt: signed with ${PEERSIG[$kt]}"
        expect_hs "$WORK/$n-srv.log" sigalg "${SIGALG[$kt]}" "$iana/$kt: server says sigalg=${SIGALG[$kt]}"
        ;;
      *)
        expect_contains "$WORK/$n.out" "Server Temp Key: X25519" "$iana/$kt: s_client used X25519"
        expect_contains "$WORK/$n.out" "Peer signature type: ${PEERSIG[$kt]}" "$iana/$kt: signed with ${PEERSIG[$kt]}"
        expect_hs "$WORK/$n-srv.log" sigalg "${SIGALG[$kt]}" "$iana/$kt: server says sigalg=${SIGALG[$kt]}"
        ;;
    esac
  done
done

echo "# OpenSSL suite names on clasp's --ciphers"
www_case c-ciphers -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -- --ciphers DHE-RSA-AES256-GCM-SHA384
www_ok c-ciphers "client --ciphers DHE-RSA-AES256-GCM-SHA384"
expect_hs "$WORK/c-ciphers.err" cipher TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 "client --ciphers: cipher=TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
echo_case s-ciphers --ciphers AES128-GCM-SHA256 --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" --
echo_ok s-ciphers "server --ciphers AES128-GCM-SHA256"
expect_contains "$WORK/s-ciphers.out" "Cipher is AES128-GCM-SHA256" "server --ciphers: s_client got AES128-GCM-SHA256"

echo "# client authentication"
www_case c-cauth -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -cipher ECDHE-RSA-AES128-GCM-SHA256 \
  -Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error -- \
  --cert "$PKI/client.pem" --key "$PKI/client.key" --trace
www_ok c-cauth "s_server -Verify 1, clasp client --cert"
expect_contains "$WORK/c-cauth-srv.log" "CN = clasp test client" "client cert: s_server saw the client certificate"
expect_trace "$WORK/c-cauth.err" "ClientHello ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished ChangeCipherSpec Finished" \
  "client cert: --trace shows CertificateRequest, then Certificate, ClientKeyExchange, CertificateVerify"
# A P-384 client key: in TLS 1.2 the CertificateVerify scheme names only the
# hash, so either ECDSA scheme is right with any curve.
www_case c-cauth-384 -Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error -- \
  --cert "$PKI/client384.pem" --key "$PKI/client384.key"
www_ok c-cauth-384 "s_server -Verify 1, clasp client --cert (P-384)"
expect_contains "$WORK/c-cauth-384-srv.log" "CN = clasp test client client384" "P-384 client cert: s_server saw it"
www_case c-cauth-none -Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error --
expect_status "$RC" nonzero "s_server -Verify 1, no client cert: clasp client fails" "$WORK/c-cauth-none.err"
expect_contains "$WORK/c-cauth-none.err" "clasp: error:" "no client cert: clasp prints an error"
expect_contains "$WORK/c-cauth-none-srv.log" "peer did not return a certificate" "no client cert: s_server refused it"

echo_case s-cauth --verify-client "$PKI/ca.pem" -- -cert "$PKI/client.pem" -key "$PKI/client.key"
echo_ok s-cauth "clasp server --verify-client, s_client -cert"
echo_case s-cauth-rsa --verify-client "$PKI/ca.pem" --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- \
  -cert "$PKI/client.pem" -key "$PKI/client.key" -cipher DHE-RSA-AES128-GCM-SHA256
echo_ok s-cauth-rsa "clasp server --verify-client, DHE-RSA, s_client -cert"
echo_case s-cauth-384 --verify-client "$PKI/ca.pem" -- -cert "$PKI/client384.pem" -key "$PKI/client384.key"
echo_ok s-cauth-384 "clasp server --verify-client, s_client -cert (P-384)"
echo_case s-cauth-none --verify-client "$PKI/ca.pem" --
if [[ $RC -ne 0 ]] || ! grep -qF -- "$TEXT" "$WORK/s-cauth-none.out"; then
  pass "clasp server --verify-client, no client cert: the connection is refused"
else
  fail "clasp server --verify-client, no client cert: the connection is refused (s_client exited 0 and got its line back)" "$WORK/s-cauth-none.out"
fi
expect_clasp_error "$WORK/s-cauth-none-srv.log" certificate "no client cert: the server's error mentions the certificate"
echo_case s-cauth-bad --verify-client "$PKI/ca.pem" -- -cert "$PKI/badclient.pem" -key "$PKI/badclient.key"
if [[ $RC -ne 0 ]] || ! grep -qF -- "$TEXT" "$WORK/s-cauth-bad.out"; then
  pass "clasp server --verify-client, untrusted client cert: the connection is refused"
else
  fail "clasp server --verify-client, untrusted client cert: the connection is refused" "$WORK/s-cauth-bad.out"
fi
expect_contains "$WORK/s-cauth-bad-srv.log" "clasp: error:" "untrusted client cert: the server reports an error"

echo "# extended master secret (RFC 7627)"
www_case c-ems -trace --
www_ok c-ems "EMS, clasp client"
expect_ossl_msg "$WORK/c-ems-srv.log" ClientHello "extended_master_secret(23)" "EMS: clasp's ClientHello offers extended_master_secret"
expect_ossl_msg "$WORK/c-ems-srv.log" ServerHello "extended_master_secret(23)" "EMS: s_server's ServerHello accepts it"
expect_contains "$WORK/c-ems.out" "Extended master secret: yes" "EMS: s_server's session says 'Extended master secret: yes'"
echo_case s-ems -- -trace
echo_ok s-ems "EMS, clasp server"
expect_ossl_msg "$WORK/s-ems.out" ClientHello "extended_master_secret(23)" "EMS: s_client's ClientHello offers extended_master_secret"
expect_ossl_msg "$WORK/s-ems.out" ServerHello "extended_master_secret(23)" "EMS: clasp's ServerHello accepts it"
expect_contains "$WORK/s-ems.out" "Extended master secret: yes" "EMS: s_client says 'Extended master secret: yes'"

echo "# ALPN in TLS 1.2"
www_case c-alpn -alpn h2,http/1.1 -- --alpn h2
www_ok c-alpn "ALPN, clasp client"
expect_hs "$WORK/c-alpn.err" alpn h2 "ALPN: clasp client says alpn=h2"
expect_contains "$WORK/c-alpn-srv.log" "ALPN protocols advertised by the client: h2" "ALPN: s_server saw clasp offer h2"
echo_case s-alpn --alpn h2,http/1.1 -- -alpn http/1.1
echo_ok s-alpn "ALPN, clasp server"
expect_contains "$WORK/s-alpn.out" "ALPN protocol: http/1.1" "ALPN: s_client says 'ALPN protocol: http/1.1'"
expect_hs "$WORK/s-alpn-srv.log" alpn http/1.1 "ALPN: clasp server says alpn=http/1.1"

echo "# a TLS 1.2-only OpenSSL peer against a default (1.2 + 1.3) clasp"
www_case c-12only --
www_ok c-12only "s_server -tls1_2, default clasp client"
expect_hs "$WORK/c-12only.err" cipher TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 "s_server -tls1_2: cipher=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
echo_case s-12only -- -trace
echo_ok s-12only "s_client -tls1_2, default clasp server"
# RFC 8446 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 ends its random
# with 44 4F 57 4E 47 52 44 01 ("DOWNGRD\1").
expect_ossl_msg "$WORK/s-12only.out" ServerHello "444F574E47524401" "s_client -tls1_2: the ServerHello random ends with the downgrade sentinel"

echo "# --trace on the clasp client"
www_case c-trace -- --trace
www_ok c-trace "--trace, ECDHE"
expect_trace "$WORK/c-trace.err" "ClientHello ServerHello Certificate ServerKeyExchange ServerHelloDone ClientKeyExchange ChangeCipherSpec Finished ChangeCipherSpec Finished" \
  "--trace, ECDHE: ServerKeyExchange, ServerHelloDone, ClientKeyExchange, ChangeCipherSpec, Finished in that order"
www_case c-trace-rsa -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -cipher AES128-GCM-SHA256 -- --trace
www_ok c-trace-rsa "--trace, RSA key exchange"
expect_trace "$WORK/c-trace-rsa.err" "ClientHello ServerHello Certificate ServerHelloDone ClientKeyExchange ChangeCipherSpec Finished ChangeCipherSpec Finished" \
  "--trace, RSA key exchange: no ServerKeyExchange"

echo "# Diffie-Hellman groups chosen by s_server -dhparam"
DH_OK=1
run_timeout 60 openssl genpkey -genparam -algorithm DH -pkeyopt dh_paramgen_prime_len:1024 \
  -out "$WORK/dh1024.pem" >"$WORK/dhgen.log" 2>&1 || DH_OK=0
run_timeout 30 openssl genpkey -genparam -algorithm DH -pkeyopt group:modp_3072 \
  -out "$WORK/modp3072.pem" >>"$WORK/dhgen.log" 2>&1 || DH_OK=0
run_timeout 30 openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 \
  -out "$WORK/ffdhe3072.pem" >>"$WORK/dhgen.log" 2>&1 || DH_OK=0
if ((DH_OK)); then
  pass "DH parameters generated (1024-bit random, RFC 3526 modp_3072, RFC 7919 ffdhe3072)"
  # SECLEVEL=0: OpenSSL itself refuses a 1024-bit group at the default level.
  www_case c-dh1024 -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -msg -dhparam "$WORK/dh1024.pem" \
    -cipher DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0 --
  expect_status "$RC" nonzero "1024-bit DH group: clasp client refuses it" "$WORK/c-dh1024.err"
  expect_clasp_error "$WORK/c-dh1024.err" bits "1024-bit DH group: the error talks about bits"
  expect_not_contains "$WORK/c-dh1024.out" "HTTP/1.0 200" "1024-bit DH group: no data was accepted"
  expect_contains "$WORK/c-dh1024-srv.log" "fatal insufficient_security" "1024-bit DH group: s_server got insufficient_security (71)"

  www_case c-modp3072 -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -dhparam "$WORK/modp3072.pem" \
    -cipher DHE-RSA-AES128-GCM-SHA256 --
  www_ok c-modp3072 "3072-bit unnamed DH group (RFC 3526)"
  expect_hs "$WORK/c-modp3072.err" group dhe3072 "3072-bit unnamed DH group: group=dhe3072"
  expect_hs "$WORK/c-modp3072.err" cipher TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 "3072-bit unnamed DH group: cipher=TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"

  www_case c-ffdhe3072 -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -dhparam "$WORK/ffdhe3072.pem" \
    -cipher DHE-RSA-AES256-GCM-SHA384 --
  www_ok c-ffdhe3072 "ffdhe3072 parameters"
  expect_hs "$WORK/c-ffdhe3072.err" group ffdhe3072 "ffdhe3072 parameters: group=ffdhe3072"
else
  fail "could not generate DH parameters" "$WORK/dhgen.log"
fi

echo "# Diffie-Hellman group chosen by clasp server --groups"
echo_case s-ffdhe3072 --groups ffdhe3072 --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- -cipher DHE-RSA-AES128-GCM-SHA256
echo_ok s-ffdhe3072 "clasp server --groups ffdhe3072"
expect_contains "$WORK/s-ffdhe3072.out" "Server Temp Key: DH, 3072 bits" "--groups ffdhe3072: s_client got a 3072-bit DH key"
expect_hs "$WORK/s-ffdhe3072-srv.log" group ffdhe3072 "--groups ffdhe3072: server says group=ffdhe3072"
for bits in 6144 8192; do
  echo_case "s-ffdhe$bits" --groups "ffdhe$bits" --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- -cipher DHE-RSA-AES128-GCM-SHA256
  echo_ok "s-ffdhe$bits" "clasp server --groups ffdhe$bits"
  expect_contains "$WORK/s-ffdhe$bits.out" "Server Temp Key: DH, $bits bits" "--groups ffdhe$bits: s_client got a $bits-bit DH key"
  expect_hs "$WORK/s-ffdhe$bits-srv.log" group "ffdhe$bits" "--groups ffdhe$bits: server says group=ffdhe$bits"
done
if run_timeout 30 openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe8192 \
  -out "$WORK/ffdhe8192.pem" >>"$WORK/dhgen.log" 2>&1; then
  www_case c-ffdhe8192 -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -dhparam "$WORK/ffdhe8192.pem" \
    -cipher DHE-RSA-AES128-GCM-SHA256 --
  www_ok c-ffdhe8192 "ffdhe8192 parameters"
  expect_hs "$WORK/c-ffdhe8192.err" group ffdhe8192 "ffdhe8192 parameters: group=ffdhe8192"
else
  fail "ffdhe8192 parameters could not be made" "$WORK/dhgen.log"
fi

echo "# ECDHE with x448 and secp521r1, both directions"
declare -A TEMPKEY12=([x448]="Server Temp Key: X448" [secp521r1]="Server Temp Key: ECDH, secp521r1")
for group in x448 secp521r1; do
  # s_client offers only this group (RSA certificate); clasp server's
  # default list has it.
  echo_case "s-$group" --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- -cipher ECDHE-RSA-AES128-GCM-SHA256 -groups "$group"
  echo_ok "s-$group" "s_client -groups $group"
  expect_contains "$WORK/s-$group.out" "${TEMPKEY12[$group]}" "s_client -groups $group: it used $group"
  expect_hs "$WORK/s-$group-srv.log" group "$group" "s_client -groups $group: server says group=$group"
  # With an ECDSA P-256 certificate the client must list secp256r1 too (RFC
  # 8422 5.1); clasp server keeps to --groups for the key exchange.
  echo_case "s-$group-ecdsa" --groups "$group" -- -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -groups "$group:prime256v1"
  echo_ok "s-$group-ecdsa" "s_client -groups $group:prime256v1, ECDSA"
  expect_hs "$WORK/s-$group-ecdsa-srv.log" group "$group" "s_client -groups $group:prime256v1, ECDSA: group=$group"
  # s_server takes only this group; clasp client's default list offers it.
  www_case "c-$group" -groups "$group" -cipher ECDHE-ECDSA-AES256-GCM-SHA384 --
  www_ok "c-$group" "s_server -groups $group"
  expect_hs "$WORK/c-$group.err" group "$group" "s_server -groups $group: group=$group"
done
# A client listing only x448 cannot take a P-256 certificate (RFC 8422
# 5.1; s_client checks it): clasp server refuses the ECDSA suites.
echo_case s-x448-only -- -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -groups x448
expect_status "$RC" nonzero "x448-only client, P-256 certificate: refused" "$WORK/s-x448-only.out"
expect_contains "$WORK/s-x448-only-srv.log" "supported_groups (RFC 8422 5.1)" "x448-only client, P-256 certificate: the server says why"

echo "# renegotiation refused: s_client's R command against clasp server"
port=$(free_port)
if start_clasp_server reneg-srv "$port" --echo --count 2 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  # No -nocommands: a line "R" asks s_client to renegotiate.
  client_dialog reneg "send before renegotiation
wait before renegotiation
send R
wait no_renegotiation" openssl s_client -connect "127.0.0.1:$port" -tls1_2 -CAfile "$PKI/ca.pem" \
    -verify_return_error -msg
  RC=$?
  expect_contains "$WORK/reneg.out" "before renegotiation" "renegotiation: data flowed before it"
  expect_contains "$WORK/reneg.out" "RENEGOTIATING" "renegotiation: s_client sent a new ClientHello"
  expect_contains "$WORK/reneg.out" "<<< TLS 1.2, Alert [length 0002], warning no_renegotiation" \
    "renegotiation: clasp answered with a warning no_renegotiation alert (100)"
  # OpenSSL ends the connection itself when its renegotiation is refused
  # (SSL_R_NO_RENEGOTIATION, a fatal handshake_failure), so what can be
  # checked is that clasp survives it and keeps serving.
  if is_running reneg-srv; then pass "renegotiation: clasp server still running"; else fail "renegotiation: clasp server still running" "$WORK/reneg-srv.log"; fi
  s_client_echo reneg-next "after the refused renegotiation" -connect "127.0.0.1:$port" -tls1_2 \
    -CAfile "$PKI/ca.pem" -verify_return_error
  expect_contains "$WORK/reneg-next.out" "after the refused renegotiation" "renegotiation: the next connection works"
  expect_clean_exit reneg-srv "renegotiation: the server exits cleanly after --count 2"
else
  fail "reneg: clasp server did not start" "$WORK/reneg-srv.log"
fi

echo "# renegotiation refused: s_server's R command (HelloRequest) against clasp client"
port=$(free_port)
# s_server reads commands on stdin: hold a FIFO open as its stdin.
mkfifo "$WORK/hr-srv.in"
exec {HR_FD}<>"$WORK/hr-srv.in"
setsid openssl s_server -accept "127.0.0.1:$port" -tls1_2 -naccept 1 -msg \
  -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" <"$WORK/hr-srv.in" >"$WORK/hr-srv.log" 2>&1 &
BG_PIDS+=("$!")
BG_NAME_PID[hr-srv]=$!
if wait_log "$WORK/hr-srv.log" ACCEPT 10; then
  mkfifo "$WORK/hr.in"
  exec {HR_CFD}<>"$WORK/hr.in"
  run_timeout 20 "$CLASP" client "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    <"$WORK/hr.in" >"$WORK/hr.out" 2>"$WORK/hr.err" &
  HR_PID=$!
  printf 'hello from clasp client\n' >&"$HR_CFD"
  if wait_log "$WORK/hr-srv.log" "hello from clasp client" 10; then
    pass "HelloRequest: data flowed before it"
    printf 'R\n' >&"$HR_FD"
    if wait_log "$WORK/hr-srv.log" "no_renegotiation" 10; then
      pass "HelloRequest: clasp client answered with a no_renegotiation alert"
    else
      fail "HelloRequest: clasp client answered with a no_renegotiation alert" "$WORK/hr-srv.log" "$WORK/hr.err"
    fi
    expect_contains "$WORK/hr-srv.log" ">>> TLS 1.2, Handshake [length 0004], HelloRequest" "HelloRequest: s_server sent one"
    expect_contains "$WORK/hr-srv.log" "<<< TLS 1.2, Alert [length 0002], warning no_renegotiation" \
      "HelloRequest: the alert is a warning no_renegotiation (100)"
  else
    fail "HelloRequest: data flowed before it" "$WORK/hr-srv.log" "$WORK/hr.err"
  fi
  exec {HR_CFD}>&-
  # s_server ends the connection (as with s_client above); clasp must just exit.
  wait "$HR_PID"
  st=$?
  if ((st == 124 || st >= 128)); then
    fail "HelloRequest: clasp client exits by itself (status $st)" "$WORK/hr.err"
  else
    pass "HelloRequest: clasp client exits by itself (status $st)"
  fi
  expect_hs "$WORK/hr.err" version TLSv1.2 "HelloRequest: the handshake was TLS 1.2"
else
  fail "hr: openssl s_server did not start" "$WORK/hr-srv.log"
fi
exec {HR_FD}>&-
stop_bg hr-srv

echo "# TLS_FALLBACK_SCSV (RFC 7507)"
echo_case s-fallback -- -fallback_scsv
if [[ $RC -ne 0 ]] && ! grep -qF -- "$TEXT" "$WORK/s-fallback.out"; then
  pass "-fallback_scsv against a 1.3-capable clasp server: refused"
else
  fail "-fallback_scsv against a 1.3-capable clasp server: refused (s_client exited $RC)" "$WORK/s-fallback.out"
fi
expect_contains "$WORK/s-fallback.out" "inappropriate fallback" "-fallback_scsv: s_client got inappropriate_fallback"
expect_contains "$WORK/s-fallback.out" "SSL alert number 86" "-fallback_scsv: the alert is number 86"
expect_contains "$WORK/s-fallback-srv.log" "clasp: error:" "-fallback_scsv: the server logs an error"
echo_case s-fallback-12 --tls1.2 -- -fallback_scsv
echo_ok s-fallback-12 "-fallback_scsv against clasp server --tls1.2"

finish
