#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS 1.2 against GnuTLS, both directions: gnutls-cli against `clasp server
# --echo`, and `clasp client` against `gnutls-serv --http`, each with a
# priority string that allows only TLS 1.2 and one key exchange and cipher.
# Every suite family (ECDHE-ECDSA, ECDHE-RSA, DHE-RSA, RSA) and every cipher
# at least once each way, RFC 7919 groups (up to ffdhe8192), x448 and
# secp521r1, client authentication each way, extended master secret, ALPN
# and a refused renegotiation.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools gnutls-bin gnutls-cli gnutls-serv

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
TLS12='NORMAL:-VERS-ALL:+VERS-TLS1.2'

# The cases: GnuTLS key exchange, GnuTLS cipher, certificate, IANA suite,
# and what gnutls-cli's "Description:" says about the key exchange.
CASES=(
  "ECDHE-ECDSA AES-128-GCM ecdsa TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (ECDHE-X25519)"
  "ECDHE-ECDSA AES-256-GCM ecdsa TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (ECDHE-X25519)"
  "ECDHE-ECDSA CHACHA20-POLY1305 ed25519 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (ECDHE-X25519)"
  "ECDHE-RSA AES-128-GCM rsa TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (ECDHE-X25519)"
  "ECDHE-RSA CHACHA20-POLY1305 rsa TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (ECDHE-X25519)"
  "DHE-RSA AES-256-GCM rsa TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 (DHE-FFDHE2048)"
  "DHE-RSA CHACHA20-POLY1305 rsa TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (DHE-FFDHE2048)"
  "RSA AES-128-GCM rsa TLS_RSA_WITH_AES_128_GCM_SHA256 (RSA)"
  "RSA AES-256-GCM rsa TLS_RSA_WITH_AES_256_GCM_SHA384 (RSA)"
)
declare -A GROUP=(["(ECDHE-X25519)"]=x25519 ["(DHE-FFDHE2048)"]=ffdhe2048 ["(RSA)"]=rsa)
declare -A SIGALG=([rsa]=rsa_pss_rsae_sha256 [ecdsa]=ecdsa_secp256r1_sha256 [ed25519]=ed25519)

# prio KX CIPHER: TLS 1.2 only, that key exchange and that cipher only.
prio() { echo "$TLS12:-KX-ALL:+$1:-CIPHER-ALL:+$2"; }

echo "# gnutls-cli (TLS 1.2 only) -> clasp server --echo"
# gcli_case NAME PRIORITY [clasp server args...] -- [gnutls-cli args...]
# Sets RC and TEXT; files NAME.out (gnutls-cli), NAME-srv.log (clasp server).
gcli_case() {
  local name=$1 prio=$2
  shift 2
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"
  local port
  port=$(free_port)
  RC=99
  TEXT="hello from gnutls-cli, case $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 1 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  client_echo "$name" "$TEXT" gnutls-cli --x509cafile "$PKI/ca.pem" --sni-hostname localhost \
    --verify-hostname localhost --priority "$prio" -p "$port" "${cargs[@]}" 127.0.0.1
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

gcli_ok() { # gcli_ok NAME DESC: gnutls-cli succeeded, verified, got its line back, over TLS 1.2
  expect_status "$RC" 0 "$2: gnutls-cli exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "The certificate is trusted" "$2: gnutls-cli verified the certificate"
  expect_contains "$WORK/$1.out" "$TEXT" "$2: the line came back"
  expect_contains "$WORK/$1.out" "Description: (TLS1.2-X.509)" "$2: gnutls-cli says TLS1.2"
  expect_hs "$WORK/$1-srv.log" version TLSv1.2 "$2: server says version=TLSv1.2"
}

for row in "${CASES[@]}"; do
  read -r kx cipher kt iana kxdesc <<<"$row"
  n="g-$kx-$cipher"
  gcli_case "$n" "$(prio "$kx" "$cipher")" --cert "$PKI/$kt.pem" --key "$PKI/$kt.key" --
  gcli_ok "$n" "$kx $cipher/$kt"
  expect_contains "$WORK/$n.out" "$kxdesc" "$kx $cipher/$kt: gnutls-cli says $kxdesc"
  expect_contains "$WORK/$n.out" "-($cipher)" "$kx $cipher/$kt: gnutls-cli says ($cipher)"
  expect_hs "$WORK/$n-srv.log" cipher "$iana" "$kx $cipher/$kt: server says cipher=$iana"
  expect_hs "$WORK/$n-srv.log" group "${GROUP[$kxdesc]}" "$kx $cipher/$kt: server says group=${GROUP[$kxdesc]}"
  if [[ $kx == RSA ]]; then
    expect_hs "$WORK/$n-srv.log" sigalg - "$kx $cipher/$kt: server says sigalg=-"
  else
    expect_hs "$WORK/$n-srv.log" sigalg "${SIGALG[$kt]}" "$kx $cipher/$kt: server says sigalg=${SIGALG[$kt]}"
  fi
done

gcli_case g-ffdhe3072 "$(prio DHE-RSA AES-128-GCM):-GROUP-ALL:+GROUP-FFDHE3072" \
  --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" --
gcli_ok g-ffdhe3072 "DHE-RSA, gnutls-cli offers only FFDHE3072"
expect_contains "$WORK/g-ffdhe3072.out" "(DHE-FFDHE3072)" "FFDHE3072: gnutls-cli says (DHE-FFDHE3072)"
expect_hs "$WORK/g-ffdhe3072-srv.log" group ffdhe3072 "FFDHE3072: server says group=ffdhe3072"

# The larger RFC 7919 groups (DHE) and the newer curves (ECDHE), gnutls-cli
# offering only that group.
for g in FFDHE8192:DHE-RSA X448:ECDHE-RSA SECP521R1:ECDHE-RSA; do
  grp=${g%%:*} kx=${g#*:} lower=$(tr 'A-Z' 'a-z' <<<"${g%%:*}")
  gcli_case "g-$lower" "$(prio "$kx" AES-128-GCM):-GROUP-ALL:+GROUP-$grp" \
    --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" --
  gcli_ok "g-$lower" "$kx, gnutls-cli offers only $grp"
  expect_contains "$WORK/g-$lower.out" "(${kx%%-*}-$grp)" "$grp: gnutls-cli says (${kx%%-*}-$grp)"
  expect_hs "$WORK/g-$lower-srv.log" group "$lower" "$grp: server says group=$lower"
done

gcli_case g-ems "$TLS12" --
gcli_ok g-ems "EMS"
expect_contains "$WORK/g-ems.out" "extended master secret" "EMS: gnutls-cli's session options include extended master secret"
expect_contains "$WORK/g-ems.out" "safe renegotiation" "EMS: gnutls-cli's session options include safe renegotiation"

gcli_case g-cauth "$(prio ECDHE-RSA AES-128-GCM)" --verify-client "$PKI/ca.pem" \
  --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- \
  --x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key"
gcli_ok g-cauth "client cert, clasp server --verify-client"
gcli_case g-cauth-none "$TLS12" --verify-client "$PKI/ca.pem" --
if [[ $RC -ne 0 ]] || ! grep -qF -- "$TEXT" "$WORK/g-cauth-none.out"; then
  pass "no client cert, clasp server --verify-client: the connection is refused"
else
  fail "no client cert, clasp server --verify-client: the connection is refused" "$WORK/g-cauth-none.out"
fi
expect_clasp_error "$WORK/g-cauth-none-srv.log" certificate "no client cert: the server's error mentions the certificate"

gcli_case g-alpn "$TLS12" --alpn h2,http/1.1 -- --alpn h2
gcli_ok g-alpn "ALPN"
expect_contains "$WORK/g-alpn.out" "Application protocol: h2" "ALPN: gnutls-cli says h2"
expect_hs "$WORK/g-alpn-srv.log" alpn h2 "ALPN: server says alpn=h2"

echo "# renegotiation refused: gnutls-cli --rehandshake -> clasp server"
# gnutls-cli treats the refusal as a warning and tries again and again;
# clasp answers each ClientHello with no_renegotiation and finally gives up.
port=$(free_port)
if start_clasp_server g-reneg-srv "$port" --echo --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  run_timeout 20 gnutls-cli --x509cafile "$PKI/ca.pem" --sni-hostname localhost \
    --verify-hostname localhost --priority "$TLS12" --rehandshake -p "$port" 127.0.0.1 \
    </dev/null >"$WORK/g-reneg.out" 2>&1
  RC=$?
  expect_contains "$WORK/g-reneg.out" "Handshake was completed" "renegotiation: the first handshake completed"
  expect_contains "$WORK/g-reneg.out" "Received alert [100]" "renegotiation: gnutls-cli got no_renegotiation (100)"
  expect_hs "$WORK/g-reneg-srv.log" version TLSv1.2 "renegotiation: server says version=TLSv1.2"
  expect_clean_exit g-reneg-srv "renegotiation: the server exits cleanly after --count 1"
else
  fail "g-reneg: clasp server did not start" "$WORK/g-reneg-srv.log"
fi

echo "# clasp client -> gnutls-serv --http (TLS 1.2 only)"
# gserv_case NAME PRIORITY [gnutls-serv args...] -- [clasp client args...]
# gnutls-serv asks for a client certificate by default (clasp must answer
# with an empty Certificate). Sets RC; files NAME.out, NAME.err, NAME-srv.log.
gserv_case() {
  local name=$1 prio=$2
  shift 2
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --x509certfile "$PKI/ecdsa.pem" --x509keyfile "$PKI/ecdsa.key"
  local port
  port=$(free_port)
  RC=99
  start_bg "$name-srv" gnutls-serv --http --port "$port" --priority "$prio" "${sargs[@]}"
  if ! wait_log "$WORK/$name-srv.log" "listening on IPv4" 10; then
    fail "$name: gnutls-serv did not start" "$WORK/$name-srv.log"
    stop_bg "$name-srv"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / "${cargs[@]}"
  RC=$?
  stop_bg "$name-srv"
}

gserv_ok() { # gserv_ok NAME DESC: the client got gnutls-serv's page over TLS 1.2
  expect_status "$RC" 0 "$2: clasp client exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 OK" "$2: got the gnutls-serv page"
  expect_hs "$WORK/$1.err" version TLSv1.2 "$2: version=TLSv1.2"
}

for row in "${CASES[@]}"; do
  read -r kx cipher kt iana kxdesc <<<"$row"
  n="s-$kx-$cipher"
  gserv_case "$n" "$(prio "$kx" "$cipher")" --x509certfile "$PKI/$kt.pem" --x509keyfile "$PKI/$kt.key" --
  gserv_ok "$n" "$kx $cipher/$kt"
  expect_hs "$WORK/$n.err" cipher "$iana" "$kx $cipher/$kt: cipher=$iana"
  expect_hs "$WORK/$n.err" group "${GROUP[$kxdesc]}" "$kx $cipher/$kt: group=${GROUP[$kxdesc]}"
  if [[ $kx == RSA ]]; then
    expect_hs "$WORK/$n.err" sigalg - "$kx $cipher/$kt: sigalg=-"
  else
    expect_hs "$WORK/$n.err" sigalg "${SIGALG[$kt]}" "$kx $cipher/$kt: sigalg=${SIGALG[$kt]}"
  fi
done

gserv_case s-ffdhe3072 "$(prio DHE-RSA AES-128-GCM):-GROUP-ALL:+GROUP-FFDHE3072" \
  --x509certfile "$PKI/rsa.pem" --x509keyfile "$PKI/rsa.key" --
gserv_ok s-ffdhe3072 "DHE-RSA, gnutls-serv allows only FFDHE3072"
expect_hs "$WORK/s-ffdhe3072.err" group ffdhe3072 "FFDHE3072: group=ffdhe3072"
for g in FFDHE8192:DHE-RSA X448:ECDHE-RSA SECP521R1:ECDHE-RSA; do
  grp=${g%%:*} kx=${g#*:} lower=$(tr 'A-Z' 'a-z' <<<"${g%%:*}")
  gserv_case "s-$lower" "$(prio "$kx" AES-128-GCM):-GROUP-ALL:+GROUP-$grp" \
    --x509certfile "$PKI/rsa.pem" --x509keyfile "$PKI/rsa.key" --
  gserv_ok "s-$lower" "$kx, gnutls-serv allows only $grp (clasp's default groups)"
  expect_hs "$WORK/s-$lower.err" group "$lower" "$grp: group=$lower"
done

gserv_case s-cauth "$(prio ECDHE-ECDSA AES-256-GCM)" --require-client-cert --x509cafile "$PKI/ca.pem" -- \
  --cert "$PKI/client.pem" --key "$PKI/client.key"
gserv_ok s-cauth "client cert, gnutls-serv --require-client-cert"
gserv_case s-cauth-none "$TLS12" --require-client-cert --x509cafile "$PKI/ca.pem" --
expect_status "$RC" nonzero "no client cert, gnutls-serv --require-client-cert: clasp client fails" "$WORK/s-cauth-none.err"
expect_contains "$WORK/s-cauth-none.err" "clasp: error:" "no client cert: clasp prints an error"
expect_not_contains "$WORK/s-cauth-none.out" "HTTP/1.0 200" "no client cert: no page"

gserv_case s-alpn "$TLS12" --alpn h2 --alpn http/1.1 -- --alpn h2
gserv_ok s-alpn "ALPN"
expect_hs "$WORK/s-alpn.err" alpn h2 "ALPN: alpn=h2"

finish
