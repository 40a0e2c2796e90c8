#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS 1.2 master secret, known answers from real peers: the CLIENT_RANDOM
# key-log line clasp writes must equal the peer's for the same connection.
# OpenSSL negotiates the extended master secret (RFC 7627); GnuTLS with
# %NO_SESSION_HASH gives the classic derivation. ECDHE, DHE and RSA key
# exchange, clasp as client and as server.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# same_master DESC CLASP_LOG PEER_LOG
same_master() {
  local ours theirs
  ours=$(grep -s "^CLIENT_RANDOM " "$2" | tail -1 | tr 'A-F' 'a-f')
  theirs=$(grep -s "^CLIENT_RANDOM " "$3" | tail -1 | tr 'A-F' 'a-f')
  if [[ -n $ours && $ours == "$theirs" ]]; then
    pass "$1: master secret matches the peer's"
  else
    fail "$1: master secret differs or is missing (clasp: '${ours:0:60}', peer: '${theirs:0:60}')" "$2" "$3"
  fi
}

echo "# clasp client, openssl s_server (extended master secret)"
for suite in ECDHE-RSA-AES128-GCM-SHA256 DHE-RSA-AES256-GCM-SHA384 AES128-GCM-SHA256; do
  port=$(free_port)
  if start_s_server "srv-$suite" "$port" -tls1_2 -www -naccept 1 -cipher "$suite" \
    -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -keylogfile "$WORK/peer-$suite.txt"; then
    clasp_client "cli-$suite" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
      --get / --keylog "$WORK/clasp-$suite.txt"
    expect_status $? 0 "$suite: clasp client exits 0" "$WORK/cli-$suite.err"
    wait_exit "srv-$suite" 5 || stop_bg "srv-$suite"
    same_master "client $suite" "$WORK/clasp-$suite.txt" "$WORK/peer-$suite.txt"
  else
    fail "$suite: s_server did not start" "$WORK/srv-$suite.log"
  fi
done

echo "# openssl s_client, clasp server (extended master secret)"
for suite in ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305; do
  port=$(free_port)
  if start_clasp_server "srv-$suite" "$port" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" \
    --echo --count 1 --keylog "$WORK/clasp-$suite.txt"; then
    s_client_echo "cli-$suite" hello -connect "127.0.0.1:$port" -tls1_2 -cipher "$suite" \
      -CAfile "$PKI/ca.pem" -keylogfile "$WORK/peer-$suite.txt"
    wait_exit "srv-$suite" 5 || stop_bg "srv-$suite"
    expect_contains "$WORK/cli-$suite.out" "Extended master secret: yes" "$suite: s_client used EMS"
    same_master "server $suite" "$WORK/clasp-$suite.txt" "$WORK/peer-$suite.txt"
  else
    fail "$suite: clasp server did not start" "$WORK/srv-$suite.log"
  fi
done

echo "# gnutls without the session hash (classic master secret)"
if command -v gnutls-cli >/dev/null; then
  port=$(free_port)
  if start_clasp_server srv-classic "$port" --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" \
    --echo --count 1 --trace --keylog "$WORK/clasp-classic.txt"; then
    SSLKEYLOGFILE="$WORK/peer-classic.txt" client_echo cli-classic hello gnutls-cli -p "$port" \
      --x509cafile "$PKI/ca.pem" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH' \
      localhost
    wait_exit srv-classic 5 || stop_bg srv-classic
    expect_contains "$WORK/cli-classic.out" "hello" "classic: data came back"
    expect_contains "$WORK/srv-classic.log" 'PRF(premaster, "master secret"' "classic: no EMS was negotiated"
    same_master "server, no EMS" "$WORK/clasp-classic.txt" "$WORK/peer-classic.txt"
  else
    fail "classic: clasp server did not start" "$WORK/srv-classic.log"
  fi
else
  fail "gnutls-cli not installed"
fi

finish
