#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A second, independent TLS 1.3 implementation: gnutls-cli against
# `clasp server --echo`, and `clasp client` against `gnutls-serv --http`,
# with every group (the FFDHE ones as TLS 1.3 key shares too).
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools gnutls-bin gnutls-cli gnutls-serv

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
TLS13='NORMAL:-VERS-ALL:+VERS-TLS1.3'

echo "# gnutls-cli -> clasp server --echo"
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

gcli_ok() { # gcli_ok NAME DESC DESCRIPTION-PART
  expect_status "$RC" 0 "$2: gnutls-cli exits 0" "$WORK/$1.out" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "The certificate is trusted" "$2: gnutls-cli verified the certificate"
  expect_contains "$WORK/$1.out" "$TEXT" "$2: the line came back"
  expect_contains "$WORK/$1.out" "$3" "$2: gnutls-cli says $3"
}

gcli_case g-default "$TLS13" --
gcli_ok g-default "default" "(TLS1.3-X.509)"

# The FFDHE groups as TLS 1.3 key shares too (RFC 8446 4.2.8.1).
declare -A GGROUP=([x25519]=X25519 [secp256r1]=SECP256R1 [secp384r1]=SECP384R1 [x448]=X448
  [secp521r1]=SECP521R1 [ffdhe2048]=FFDHE2048 [ffdhe3072]=FFDHE3072 [ffdhe4096]=FFDHE4096
  [ffdhe6144]=FFDHE6144 [ffdhe8192]=FFDHE8192)
GROUPS13="x25519 secp256r1 secp384r1 x448 secp521r1 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192"
gkx() { if [[ $1 == ffdhe* ]]; then echo "(DHE-${GGROUP[$1]})"; else echo "(ECDHE-${GGROUP[$1]})"; fi; }
for group in $GROUPS13; do
  gcli_case "g-$group" "$TLS13:-GROUP-ALL:+GROUP-${GGROUP[$group]}" --
  gcli_ok "g-$group" "$group" "$(gkx "$group")"
  expect_hs "$WORK/g-$group-srv.log" group "$group" "$group: server says group=$group"
done

declare -A GCIPHER=([TLS_AES_128_GCM_SHA256]=AES-128-GCM [TLS_AES_256_GCM_SHA384]=AES-256-GCM
  [TLS_CHACHA20_POLY1305_SHA256]=CHACHA20-POLY1305)
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
  gcli_case "g-$suite" "$TLS13:-CIPHER-ALL:+${GCIPHER[$suite]}" --
  gcli_ok "g-$suite" "$suite" "(${GCIPHER[$suite]})"
  expect_hs "$WORK/g-$suite-srv.log" cipher "$suite" "$suite: server says cipher=$suite"
done

declare -A GSIG=([rsa]=RSA-PSS-RSAE-SHA256 [ecdsa]=ECDSA-SECP256R1-SHA256 [ed25519]=EdDSA-Ed25519)
for kt in rsa ecdsa ed25519; do
  gcli_case "g-cert-$kt" "$TLS13" --cert "$PKI/$kt.pem" --key "$PKI/$kt.key" --
  gcli_ok "g-cert-$kt" "$kt certificate" "(${GSIG[$kt]})"
done

gcli_case g-hrr "$TLS13:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1" --groups secp256r1 --
gcli_ok g-hrr "HRR" "(ECDHE-SECP256R1)"
expect_hs "$WORK/g-hrr-srv.log" group secp256r1 "HRR: server says group=secp256r1"
gcli_case g-hrr-ffdhe3072 "$TLS13:-GROUP-ALL:+GROUP-X25519:+GROUP-FFDHE3072" --groups ffdhe3072 --
gcli_ok g-hrr-ffdhe3072 "HRR to ffdhe3072" "(DHE-FFDHE3072)"
expect_hs "$WORK/g-hrr-ffdhe3072-srv.log" group ffdhe3072 "HRR to ffdhe3072: server says group=ffdhe3072"

gcli_case g-cauth "$TLS13" --verify-client "$PKI/ca.pem" -- \
  --x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key"
gcli_ok g-cauth "client cert" "(TLS1.3-X.509)"

gcli_case g-alpn "$TLS13" --alpn h2 -- --alpn h2
gcli_ok g-alpn "ALPN" "(TLS1.3-X.509)"
expect_hs "$WORK/g-alpn-srv.log" alpn h2 "ALPN: server says alpn=h2"

echo "# clasp client -> gnutls-serv --http"
# gserv_case NAME PRIORITY [gnutls-serv args...] -- [clasp client args...]
# gnutls-serv asks for a client certificate by default (clasp must answer
# with an empty one). Sets RC; files NAME.out, NAME.err, NAME-srv.log.
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

gserv_ok() { # gserv_ok NAME DESC
  expect_status "$RC" 0 "$2: clasp client exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  expect_contains "$WORK/$1.out" "HTTP/1.0 200 OK" "$2: got the gnutls-serv page"
  expect_hs "$WORK/$1.err" version TLSv1.3 "$2: version=TLSv1.3"
}

for group in $GROUPS13; do
  gserv_case "s-$group" "$TLS13:-GROUP-ALL:+GROUP-${GGROUP[$group]}" -- --groups "$group"
  gserv_ok "s-$group" "$group"
  expect_hs "$WORK/s-$group.err" group "$group" "$group: group=$group"
done

for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
  gserv_case "s-$suite" "$TLS13:-CIPHER-ALL:+${GCIPHER[$suite]}" --
  gserv_ok "s-$suite" "$suite"
  expect_hs "$WORK/s-$suite.err" cipher "$suite" "$suite: cipher=$suite"
done

declare -A SIGALG=([rsa]=rsa_pss_rsae_sha256 [ecdsa]=ecdsa_secp256r1_sha256 [ed25519]=ed25519)
for kt in rsa ecdsa ed25519; do
  gserv_case "s-cert-$kt" "$TLS13" --x509certfile "$PKI/$kt.pem" --x509keyfile "$PKI/$kt.key" --
  gserv_ok "s-cert-$kt" "$kt certificate"
  expect_hs "$WORK/s-cert-$kt.err" sigalg "${SIGALG[$kt]}" "$kt certificate: sigalg=${SIGALG[$kt]}"
done

gserv_case s-hrr "$TLS13:-GROUP-ALL:+GROUP-SECP256R1" -- --groups x25519:secp256r1
gserv_ok s-hrr "HRR"
expect_hs "$WORK/s-hrr.err" group secp256r1 "HRR: group=secp256r1"
# clasp's default list reaches a FFDHE group by HelloRetryRequest.
gserv_case s-hrr-ffdhe2048 "$TLS13:-GROUP-ALL:+GROUP-FFDHE2048" --
gserv_ok s-hrr-ffdhe2048 "HRR to ffdhe2048"
expect_hs "$WORK/s-hrr-ffdhe2048.err" group ffdhe2048 "HRR to ffdhe2048 (clasp's default groups): group=ffdhe2048"

gserv_case s-cauth "$TLS13" --require-client-cert --x509cafile "$PKI/ca.pem" -- \
  --cert "$PKI/client.pem" --key "$PKI/client.key"
gserv_ok s-cauth "client cert"

gserv_case s-alpn "$TLS13" --alpn h2 --alpn http/1.1 -- --alpn h2
gserv_ok s-alpn "ALPN"
expect_hs "$WORK/s-alpn.err" alpn h2 "ALPN: alpn=h2"

finish
