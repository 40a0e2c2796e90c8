#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Things that must fail, and fail well: certificate problems on both sides, a
# version mismatch, and garbage, truncated and oversized records on the wire.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# bad_server_case NAME CERT [clasp client args...]: `openssl s_server -www
# -naccept 1` with PKI/CERT.pem, and `clasp client` that trusts ca.pem.
# Sets RC; files NAME.out, NAME.err, NAME-srv.log.
bad_server_case() {
  local name=$1 cert=$2
  shift 2
  local port
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -www -naccept 1 -cert "$PKI/$cert.pem" -key "$PKI/$cert.key"; then
    fail "$name: openssl s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --cafile "$PKI/ca.pem" --get / "$@"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

# refused NAME DESC PATTERN: clasp client failed, printed "clasp: error:",
# and that error matches PATTERN (extended regex, any case).
refused() {
  local name=$1 desc=$2 pat=$3
  expect_status "$RC" nonzero "$desc: clasp client fails" "$WORK/$name.err"
  expect_contains "$WORK/$name.err" "clasp: error:" "$desc: clasp prints 'clasp: error: ...'"
  if grep "clasp: error:" "$WORK/$name.err" 2>/dev/null | grep -qiE -- "$pat"; then
    pass "$desc: the error says /$pat/"
  else
    fail "$desc: the error says /$pat/" "$WORK/$name.err"
  fi
  expect_not_contains "$WORK/$name.out" "HTTP/1.0 200" "$desc: no data was accepted"
}

echo "# the server's certificate"
bad_server_case wrong-name ecdsa --servername example.com
refused wrong-name "wrong host name" "does not match"
bad_server_case untrusted untrusted --servername localhost
refused untrusted "untrusted CA" "trust"
bad_server_case expired expired --servername localhost
refused expired "expired certificate" "expired"
bad_server_case insecure untrusted --servername example.com --insecure
expect_status "$RC" 0 "--insecure: accepts an untrusted, misnamed certificate" "$WORK/insecure.err"

echo "# version: TLS 1.2-only s_server, clasp client --tls1.3"
port=$(free_port)
if start_s_server v12-srv "$port" -tls1_2 -www -naccept 1 -msg -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key"; then
  clasp_client v12 "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --tls1.3 --get /
  RC=$?
  wait_exit v12-srv 5 || stop_bg v12-srv
  refused v12 "TLS 1.3 client vs TLS 1.2 server" "version"
  # s_server refuses the ClientHello with a protocol_version alert (70).
  expect_contains "$WORK/v12-srv.log" "protocol_version" "TLS 1.3 client vs TLS 1.2 server: s_server sent protocol_version"
else
  fail "v12: openssl s_server did not start" "$WORK/v12-srv.log"
fi

echo "# client certificates (clasp server --verify-client, clasp client)"
# cauth_case NAME [clasp client args...]
cauth_case() {
  local name=$1
  shift
  local port
  port=$(free_port)
  RC=99
  if ! start_clasp_server "$name-srv" "$port" --www --count 1 --verify-client "$PKI/ca.pem" \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / "$@"
  RC=$?
  expect_clean_exit "$name-srv" "$name: server exits by itself after --count 1"
}
cauth_case cauth-good --cert "$PKI/client.pem" --key "$PKI/client.key"
expect_status "$RC" 0 "good client cert: accepted" "$WORK/cauth-good.err" "$WORK/cauth-good-srv.log"
cauth_case cauth-none
expect_status "$RC" nonzero "no client cert: clasp client fails" "$WORK/cauth-none.err"
if grep "clasp: error:" "$WORK/cauth-none-srv.log" 2>/dev/null | grep -qi certificate; then
  pass "no client cert: the server's error mentions the certificate"
else
  fail "no client cert: the server's error mentions the certificate" "$WORK/cauth-none-srv.log"
fi
cauth_case cauth-bad --cert "$PKI/badclient.pem" --key "$PKI/badclient.key"
expect_status "$RC" nonzero "client cert from an untrusted CA: clasp client fails" "$WORK/cauth-bad.err"
expect_contains "$WORK/cauth-bad-srv.log" "clasp: error:" "client cert from an untrusted CA: the server reports an error"

echo "# wire: garbage, truncated and oversized records sent to clasp server"
# raw_case NAME COUNT: starts `clasp server --echo --count COUNT`; sets PORT.
raw_case() {
  PORT=$(free_port)
  start_clasp_server "$1-srv" "$PORT" --echo --count "$2" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"
}

if raw_case garbage 2; then
  run_timeout 15 python3 "$RAWPEER" "$PORT" --random 100 --timeout 5 >"$WORK/garbage.out" 2>&1
  if grep -qE '^alert: 2 ' "$WORK/garbage.out" || grep -qE '^end: (closed|reset)' "$WORK/garbage.out"; then
    pass "100 random bytes: the server answers with a fatal alert or closes"
  else
    fail "100 random bytes: the server answers with a fatal alert or closes" "$WORK/garbage.out"
  fi
  if grep -q '^reply: ' "$WORK/garbage.out" && ! grep -q '^reply: -' "$WORK/garbage.out" &&
    ! grep -q '^alert: ' "$WORK/garbage.out"; then
    fail "100 random bytes: whatever the server sent back is one plaintext alert" "$WORK/garbage.out"
  else
    pass "100 random bytes: whatever the server sent back is one plaintext alert"
  fi
  if is_running garbage-srv; then pass "100 random bytes: the server is still running"; else fail "100 random bytes: the server is still running" "$WORK/garbage-srv.log"; fi
  s_client_echo garbage-next "still alive" -connect "127.0.0.1:$PORT" -tls1_3 -CAfile "$PKI/ca.pem" -verify_return_error
  expect_contains "$WORK/garbage-next.out" "still alive" "100 random bytes: the next connection still works"
  expect_clean_exit garbage-srv "100 random bytes: the server exits cleanly after --count 2"
else
  fail "garbage: clasp server did not start" "$WORK/garbage-srv.log"
fi

if raw_case truncated 1; then
  # A handshake record header announcing 0x4000 bytes, 6 of them, then close.
  run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "16 03 01 40 00 01 00 3f fc 03 03" --close >"$WORK/truncated.out" 2>&1
  expect_clean_exit truncated-srv "truncated record: the server exits cleanly after --count 1"
  expect_contains "$WORK/truncated-srv.log" "clasp: error:" "truncated record: the server logs an error"
else
  fail "truncated: clasp server did not start" "$WORK/truncated-srv.log"
fi

if raw_case overflow 1; then
  # A handshake record header announcing 0x4200 bytes: more than 2^14 + 256.
  run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "16 03 01 42 00" --timeout 5 >"$WORK/overflow.out" 2>&1
  expect_contains "$WORK/overflow.out" "alert: 2 22" "oversized record: fatal record_overflow alert (22) on the wire"
  expect_clean_exit overflow-srv "oversized record: the server exits cleanly after --count 1"
  expect_contains "$WORK/overflow-srv.log" "clasp: error:" "oversized record: the server logs an error"
else
  fail "overflow: clasp server did not start" "$WORK/overflow-srv.log"
fi

if raw_case badhello 1; then
  # A well-framed handshake record holding a ClientHello cut short.
  run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "16 03 01 00 05 01 00 00 01 00" --timeout 5 >"$WORK/badhello.out" 2>&1
  if grep -qE '^alert: 2 (50|47|10)$' "$WORK/badhello.out"; then
    pass "malformed ClientHello: fatal decode_error/illegal_parameter/unexpected_message alert"
  else
    fail "malformed ClientHello: fatal decode_error/illegal_parameter/unexpected_message alert" "$WORK/badhello.out"
  fi
  expect_clean_exit badhello-srv "malformed ClientHello: the server exits cleanly after --count 1"
else
  fail "badhello: clasp server did not start" "$WORK/badhello-srv.log"
fi

echo "# clasp client against a server that sends garbage"
port=$(free_port)
start_bg junk-srv python3 -c '
import os, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
print("listening", flush=True)
s.settimeout(15)
c, _ = s.accept()
c.settimeout(5)
try:
    c.recv(65536)
    c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" + os.urandom(64))
    c.recv(65536)
except OSError:
    pass
c.close()
' "$port"
if wait_log "$WORK/junk-srv.log" listening 10; then
  clasp_client junk "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get /
  RC=$?
  expect_status "$RC" nonzero "plain-HTTP server: clasp client fails" "$WORK/junk.err"
  expect_contains "$WORK/junk.err" "clasp: error:" "plain-HTTP server: clasp prints an error"
else
  fail "junk: the fake server did not start" "$WORK/junk-srv.log"
fi

finish
