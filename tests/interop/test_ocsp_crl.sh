#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Revocation with real peers. OCSP responses are made here with `openssl
# ocsp` (an index of good and revoked leaves, a delegated responder) and
# CRLs with `openssl ca -gencrl`:
#   - a clasp server staples its response: openssl s_client -status shows
#     it (TLS 1.3 in the leaf's CertificateEntry, TLS 1.2 CertificateStatus);
#   - a clasp client asks for, checks and exposes the response of openssl
#     s_server -status_file; refuses a revoked status (certificate_revoked),
#     a response about another certificate or from an unauthorised signer
#     (bad_certificate_status_response), and, when it requires one, a
#     server that staples none;
#   - CRLs: a revoked leaf is refused with certificate_revoked by a clasp
#     client (server certificate) and a clasp server (client certificate).
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
PEER=${CLASP_CALLBACK_PEER:-$REPO_ROOT/build/tests/clasp_callback_peer}
[[ -x $PEER ]] || { fail "callback peer not built ($PEER)"; finish; }
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
(
  set -e
  cd "$PKI"
  cat >>ext.cnf <<'EOF'

[ocsp_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
EOF
  mkleaf() { # mkleaf NAME EXT CN [CA]
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
    openssl req -new -key "$1.key" -subj "/O=clasp tests/CN=$3" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "${4:-ca}.pem" -CAkey "${4:-ca}.key" \
      -set_serial "0x$(openssl rand -hex 8)" -days 30 -sha256 -extfile ext.cnf -extensions "$2" -out "$1.pem"
  }
  mkleaf revoked server_ext localhost
  mkleaf revclient client_ext "revoked client"
  mkleaf responder ocsp_ext "clasp OCSP responder"
  mkleaf rogue ocsp_ext "rogue OCSP responder" untrusted-ca
  # The CA database: ecdsa and client good, revoked and revclient revoked.
  : >index.txt
  echo 'unique_subject = no' >index.txt.attr # several leaves are CN=localhost
  for c in ecdsa rsa client revoked revclient; do
    serial=$(openssl x509 -in "$c.pem" -noout -serial | cut -d= -f2)
    subject=$(openssl x509 -in "$c.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
    case $c in
      revoked | revclient) printf 'R\t301231235959Z\t240101000000Z,keyCompromise\t%s\tunknown\t%s\n' "$serial" "$subject" ;;
      *) printf 'V\t301231235959Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" ;;
    esac >>index.txt
  done
  ocsp_response() { # ocsp_response CERT SIGNER OUT
    openssl ocsp -issuer ca.pem -cert "$1.pem" -no_nonce -reqout "$3.req"
    openssl ocsp -index index.txt -rsigner "$2.pem" -rkey "$2.key" -CA ca.pem -reqin "$3.req" \
      -respout "$3.der" -ndays 2
    [[ -s $3.der ]]
  }
  ocsp_response ecdsa responder good
  # The same with a SHA-256 CertID (openssl ocsp -sha256).
  openssl ocsp -issuer ca.pem -sha256 -cert ecdsa.pem -no_nonce -reqout good256.req
  openssl ocsp -index index.txt -rsigner responder.pem -rkey responder.key -CA ca.pem -reqin good256.req \
    -respout good256.der -ndays 2
  [[ -s good256.der ]]
  ocsp_response revoked responder revoked-status
  ocsp_response ecdsa rogue rogue
  # A CRL from the same database.
  cat >crl.cnf <<'EOF'
[ca]
default_ca = test_ca
[test_ca]
database = index.txt
default_md = sha256
default_crl_days = 30
EOF
  openssl ca -gencrl -config crl.cnf -keyfile ca.key -cert ca.pem -out crl.pem
  openssl crl -in crl.pem -noout -text | grep -q "Serial Number"
) >>"$PKI/pki.log" 2>&1 || { fail "making the OCSP responses and the CRL" "$PKI/pki.log"; finish; }
pass "OCSP responses and a CRL made with the openssl CLI"

start_peer_server() { # start_peer_server NAME PORT ARGS...
  local name=$1 port=$2
  shift 2
  start_bg "$name" "$PEER" server --port "$port" "$@"
  wait_log "$WORK/$name.log" "listening on port" 10 || fail "$name did not start" "$WORK/$name.log"
}
peer_client() { # peer_client NAME ARGS...: status is the client's
  local name=$1
  shift
  run_timeout 20 "$PEER" client --servername localhost "$@" >"$WORK/$name.out" 2>&1
}

echo "# a clasp server staples its OCSP response (openssl s_client -status)"
PORT=$(free_port)
start_peer_server staple "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --ocsp "$PKI/good.der" --count 3
for v in tls1_3 tls1_2; do
  s_client_echo "status_$v" "stapled $v" -connect "127.0.0.1:$PORT" "-$v" -status -CAfile "$PKI/ca.pem"
  expect_status $? 0 "$v: s_client -status connects" "$WORK/status_$v.out" "$WORK/staple.log"
  expect_contains "$WORK/status_$v.out" "OCSP Response Status: successful" "$v: s_client received the stapled response"
  expect_contains "$WORK/status_$v.out" "Cert Status: good" "$v: it says the certificate is good"
done
s_client_echo status_none "not asked" -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem"
expect_contains "$WORK/status_none.out" "not asked" "a client that does not ask still connects"
expect_not_contains "$WORK/status_none.out" "OCSP Response Status" "a client that does not ask gets no response"
expect_clean_exit staple "the stapling server exited"

echo "# a clasp client checks the response of openssl s_server -status_file"
for v in tls1_3 tls1_2; do
  PORT=$(free_port)
  start_s_server "sgood_$v" "$PORT" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -status_file "$PKI/good.der" \
    -rev -naccept 1 "-$v" || fail "s_server did not start"
  peer_client "good_$v" --port "$PORT" --ca "$PKI/ca.pem" --ocsp-require
  expect_status $? 0 "$v: a good stapled response is accepted" "$WORK/good_$v.out"
  size=$(stat -c %s "$PKI/good.der")
  expect_contains "$WORK/good_$v.out" "ocsp=$size" "$v: the client exposes the whole response ($size bytes)"
  stop_bg "sgood_$v"
done

# refused_case NAME DESC WANT_TEXT WANT_ALERT S_SERVER_ARGS... -- CLIENT_ARGS...
refused_case() {
  local name=$1 desc=$2 text=$3 alert=$4
  shift 4
  local sargs cargs
  split_args sargs cargs "$@"
  PORT=$(free_port)
  start_s_server "s_$name" "$PORT" -rev -naccept 1 "${sargs[@]}" || fail "s_server did not start"
  peer_client "$name" --port "$PORT" --ca "$PKI/ca.pem" "${cargs[@]}"
  expect_status $? nonzero "$desc: refused" "$WORK/$name.out"
  expect_contains "$WORK/$name.out" "$text" "$desc: the error says why"
  expect_contains "$WORK/$name.out" "alert sent $alert" "$desc: alert $alert"
  stop_bg "s_$name"
}
# A response whose CertID is hashed with SHA-256 matches the leaf too.
PORT=$(free_port)
start_s_server sgood256 "$PORT" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -status_file "$PKI/good256.der" \
  -rev -naccept 1 || fail "s_server did not start"
peer_client good256 --port "$PORT" --ca "$PKI/ca.pem" --ocsp-require
expect_status $? 0 "a good stapled response with a SHA-256 CertID is accepted" "$WORK/good256.out"
stop_bg sgood256

refused_case revoked_status "a stapled 'revoked' status" "says the certificate is revoked (reason: keyCompromise)" 44 \
  -cert "$PKI/revoked.pem" -key "$PKI/revoked.key" -status_file "$PKI/revoked-status.der" -- --ocsp-request
refused_case other_cert "a response about another certificate" "about another certificate" 113 \
  -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -status_file "$PKI/good.der" -- --ocsp-request
refused_case rogue "a response signed by an unauthorised responder" "not signed by the certificate's issuer" 113 \
  -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -status_file "$PKI/rogue.der" -- --ocsp-request
refused_case missing13 "TLS 1.3: no response when one is required" "stapled no OCSP response, and this client requires one" 113 \
  -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -- --ocsp-require
refused_case missing12 "TLS 1.2: no response when one is required" "stapled no OCSP response, and this client requires one" 113 \
  -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -tls1_2 -- --ocsp-require

echo "# clasp to clasp"
PORT=$(free_port)
start_peer_server staple2 "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --ocsp "$PKI/good.der" --count 2
peer_client c2c13 --port "$PORT" --ca "$PKI/ca.pem" --ocsp-require
expect_contains "$WORK/c2c13.out" "received: hello" "TLS 1.3: clasp client requires and checks a clasp server's staple"
peer_client c2c12 --port "$PORT" --ca "$PKI/ca.pem" --ocsp-require --tls1.2
expect_contains "$WORK/c2c12.out" "received: hello" "TLS 1.2: clasp client requires and checks a clasp server's staple"
expect_clean_exit staple2 "the clasp stapling server exited"

echo "# CRLs"
for v in tls1_3 tls1_2; do
  PORT=$(free_port)
  start_s_server "crl_$v" "$PORT" -cert "$PKI/revoked.pem" -key "$PKI/revoked.key" -rev -naccept 1 "-$v" ||
    fail "s_server did not start"
  peer_client "crl_revoked_$v" --port "$PORT" --ca "$PKI/ca.pem" --crl "$PKI/crl.pem"
  expect_status $? nonzero "$v: a server leaf on the CRL is refused" "$WORK/crl_revoked_$v.out"
  expect_contains "$WORK/crl_revoked_$v.out" "has been revoked" "$v: the error says it is revoked"
  expect_contains "$WORK/crl_revoked_$v.out" "alert sent 44" "$v: certificate_revoked is sent"
  stop_bg "crl_$v"
done
PORT=$(free_port)
start_s_server crl_good "$PORT" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -rev -naccept 1 || fail "s_server did not start"
peer_client crl_good --port "$PORT" --ca "$PKI/ca.pem" --crl "$PKI/crl.pem"
expect_contains "$WORK/crl_good.out" "received: olleh" "a leaf not on the CRL is accepted"
stop_bg crl_good
PORT=$(free_port)
start_s_server crl_other "$PORT" -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -rev -naccept 1 ||
  fail "s_server did not start"
# The untrusted CA is trusted here, but has no CRL: its leaves cannot be checked.
peer_client crl_missing --port "$PORT" --ca "$PKI/ca.pem" --ca "$PKI/untrusted-ca.pem" --crl "$PKI/crl.pem"
expect_status $? nonzero "a leaf whose issuer has no CRL loaded is refused" "$WORK/crl_missing.out"
expect_contains "$WORK/crl_missing.out" "no CRL from" "the error says which CRL is missing"
stop_bg crl_other

PORT=$(free_port)
start_peer_server crlsrv "$PORT" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" --ca "$PKI/ca.pem" --crl "$PKI/crl.pem" \
  --client-auth --count 2
s_client_echo crl_client_bad "revoked client" -connect "127.0.0.1:$PORT" -cert "$PKI/revclient.pem" -key "$PKI/revclient.key"
wait_log "$WORK/crlsrv.log" "error:" 5
expect_contains "$WORK/crlsrv.log" "has been revoked" "server: a client certificate on the CRL is refused"
expect_contains_i "$WORK/crl_client_bad.out" "certificate revoked" "server: s_client receives certificate_revoked"
s_client_echo crl_client_ok "good client" -connect "127.0.0.1:$PORT" -cert "$PKI/client.pem" -key "$PKI/client.key"
expect_contains "$WORK/crl_client_ok.out" "good client" "server: a client certificate not on the CRL is accepted"
expect_clean_exit crlsrv "the CRL-checking server exited"

finish
