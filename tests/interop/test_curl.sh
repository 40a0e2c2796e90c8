#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# curl against `clasp server --www`: the page comes back with status 200 and
# the server's handshake line.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v curl >/dev/null || { fail "curl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# curl_case NAME [clasp server args...] -- [curl args...]
# `clasp server --www --count 1` (ECDSA unless --cert is given), then
# `curl https://localhost:PORT/` (localhost pinned to 127.0.0.1) trusting
# ca.pem. Sets RC and CODE (the HTTP status); body in NAME.body.
curl_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"

  local port
  port=$(free_port)
  RC=99
  CODE=000
  if ! start_clasp_server "$name-srv" "$port" --www --count 1 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  CODE=$(run_timeout 20 curl -sS --max-time 15 --cacert "$PKI/ca.pem" \
    --resolve "localhost:$port:127.0.0.1" -o "$WORK/$name.body" -w '%{http_code}' \
    "${cargs[@]}" "https://localhost:$port/" 2>"$WORK/$name.err")
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

ok_case() { # ok_case NAME DESC
  expect_status "$RC" 0 "$2: curl exits 0" "$WORK/$1.err" "$WORK/$1-srv.log"
  if [[ $CODE == 200 ]]; then pass "$2: HTTP 200"; else fail "$2: HTTP status $CODE, wanted 200" "$WORK/$1.err"; fi
  expect_contains "$WORK/$1.body" "handshake:" "$2: the page shows the handshake line"
  expect_hs "$WORK/$1-srv.log" version TLSv1.3 "$2: server says version=TLSv1.3"
}

echo "# default curl"
curl_case default --
ok_case default "curl"

echo "# curl --tlsv1.3 --tls-max 1.3"
curl_case tls13 -- --tlsv1.3 --tls-max 1.3
ok_case tls13 "curl --tlsv1.3"
expect_hs "$WORK/tls13.body" version TLSv1.3 "curl --tlsv1.3: the page says version=TLSv1.3"

echo "# RSA certificate"
curl_case rsa --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" --
ok_case rsa "RSA certificate"

echo "# ALPN http/1.1"
curl_case alpn --alpn http/1.1 -- --http1.1
ok_case alpn "ALPN"
expect_hs "$WORK/alpn.body" alpn http/1.1 "ALPN: the page says alpn=http/1.1"

echo "# curl --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256"
curl_case chacha -- --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256
ok_case chacha "ChaCha20"
expect_hs "$WORK/chacha.body" cipher TLS_CHACHA20_POLY1305_SHA256 "ChaCha20: the page says so"

echo "# curl refuses the server when it does not trust the CA"
port=$(free_port)
if start_clasp_server untrusted-srv "$port" --www --count 1 --cert "$PKI/untrusted.pem" --key "$PKI/untrusted.key"; then
  run_timeout 20 curl -sS --max-time 15 --cacert "$PKI/ca.pem" --resolve "localhost:$port:127.0.0.1" \
    -o /dev/null "https://localhost:$port/" 2>"$WORK/untrusted.err"
  RC=$?
  expect_status "$RC" 60 "untrusted certificate: curl refuses it (exit 60)" "$WORK/untrusted.err"
  expect_clean_exit untrusted-srv "untrusted certificate: server exits by itself after the failed connection"
else
  fail "untrusted: clasp server did not start" "$WORK/untrusted-srv.log"
fi

finish
