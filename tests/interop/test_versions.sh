#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Version negotiation: SSL 3.0, TLS 1.0 and TLS 1.1 ClientHellos (raw ones
# from rawpeer.py, and OpenSSL's own where it can still send them) must get
# a protocol_version alert (70) and a server log line naming the version;
# --tls1.2 / --tls1.3 on clasp against OpenSSL peers restricted to the other
# version must fail with a clear message; a default clasp meets a 1.2-only or
# 1.3-capable peer on TLS 1.2 where that is all they share.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# old_hello LEGACY_VERSION: the hex of one record holding a minimal
# ClientHello as an SSL 3.0 / TLS 1.0 / TLS 1.1 client sends it: that
# legacy_version, no supported_versions, four suites (ECDHE-ECDSA and
# ECDHE-RSA AES-128-GCM, RSA AES-128-GCM, RSA AES-128-CBC-SHA), the null
# compression method and no extensions. The record's own version is 0x0300
# for SSL 3.0 and 0x0301 otherwise, as real clients do. With 0303 it is a
# valid (if bare) TLS 1.2 ClientHello, which the control case below uses.
old_hello() {
  local v=$1 rv=0301 random
  [[ $v == 0300 ]] && rv=0300
  random=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # body: version(2) random(32) session_id(1) suites(2+8) compression(1+1) = 47 = 0x2f
  local body="$v$random 00 0008 c02b c02f 009c 002f 01 00"
  # handshake: type 1, length 0x2f; record: type 22, length 4 + 0x2f = 0x33
  echo "16 $rv 0033 01 00002f $body"
}

# clasp_server_case NAME [clasp server args...]: a clasp server --echo
# --count 1 with the ECDSA certificate; sets PORT. Status 1 if it did not start.
clasp_server_case() {
  local name=$1
  shift
  PORT=$(free_port)
  start_clasp_server "$name-srv" "$PORT" --echo --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" "$@"
}

echo "# raw SSL 3.0 / TLS 1.0 / TLS 1.1 ClientHellos -> clasp server"
declare -A VNAME=([0300]="SSL 3.0" [0301]="TLS 1.0" [0302]="TLS 1.1")
for v in 0300 0301 0302; do
  name="raw-$v"
  desc="${VNAME[$v]} ClientHello (legacy_version 0x$v)"
  if clasp_server_case "$name"; then
    run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "$(old_hello "$v")" --timeout 5 >"$WORK/$name.out" 2>&1
    expect_contains "$WORK/$name.out" "alert: 2 70" "$desc: fatal protocol_version alert (70) on the wire"
    expect_clean_exit "$name-srv" "$desc: the server exits cleanly after --count 1"
    if grep "clasp: error:" "$WORK/$name-srv.log" 2>/dev/null | grep -qF -- "${VNAME[$v]}"; then
      pass "$desc: the server's error names ${VNAME[$v]}"
    else
      fail "$desc: the server's error names ${VNAME[$v]}" "$WORK/$name-srv.log"
    fi
  else
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
  fi
done

# Control: the same bare ClientHello with legacy_version 0x0303 is a valid
# TLS 1.2 one (RSA key exchange needs no extension), so it gets a ServerHello.
name=raw-0303
PORT=$(free_port)
if start_clasp_server "$name-srv" "$PORT" --echo --count 1 --cert "$PKI/rsa.pem" --key "$PKI/rsa.key"; then
  run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "$(old_hello 0303)" --timeout 3 >"$WORK/$name.out" 2>&1
  if grep -qE '^reply: 16 03 03 .. .. 02 ' "$WORK/$name.out"; then
    pass "control: the same ClientHello with legacy_version 0x0303 gets a TLS 1.2 ServerHello"
  else
    fail "control: the same ClientHello with legacy_version 0x0303 gets a TLS 1.2 ServerHello" "$WORK/$name.out" "$WORK/$name-srv.log"
  fi
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
else
  fail "$name: clasp server did not start" "$WORK/$name-srv.log"
fi

# The same refusal whatever the server is restricted to.
for only in --tls1.2 --tls1.3; do
  name="raw-0301$only"
  desc="TLS 1.0 ClientHello against clasp server $only"
  if clasp_server_case "$name" "$only"; then
    run_timeout 15 python3 "$RAWPEER" "$PORT" --hex "$(old_hello 0301)" --timeout 5 >"$WORK/$name.out" 2>&1
    expect_contains "$WORK/$name.out" "alert: 2 70" "$desc: fatal protocol_version alert (70)"
    expect_clean_exit "$name-srv" "$desc: the server exits cleanly"
  else
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
  fi
done

echo "# OpenSSL's own old-version ClientHellos -> clasp server"
declare -A OSSL_V=([-ssl3]="SSL 3.0" [-tls1]="TLS 1.0" [-tls1_1]="TLS 1.1")
for opt in -ssl3 -tls1 -tls1_1; do
  # This OpenSSL may be built without SSL 3.0 (Debian's is).
  if ! openssl s_client -help 2>&1 | grep -qE -- "^ *$opt( |$)"; then
    echo "# (skipped: this openssl s_client has no $opt)"
    continue
  fi
  name="ossl$opt"
  desc="openssl s_client $opt"
  if clasp_server_case "$name"; then
    # SECLEVEL=0: OpenSSL 3 refuses to send TLS 1.0/1.1 at its default level.
    run_timeout 20 openssl s_client -connect "127.0.0.1:$PORT" "$opt" -cipher 'DEFAULT@SECLEVEL=0' -msg \
      </dev/null >"$WORK/$name.out" 2>&1
    RC=$?
    expect_status "$RC" nonzero "$desc: the handshake fails" "$WORK/$name.out"
    expect_contains "$WORK/$name.out" "Alert [length 0002], fatal protocol_version" "$desc: s_client got a fatal protocol_version alert"
    expect_contains "$WORK/$name.out" "SSL alert number 70" "$desc: the alert is number 70"
    expect_clean_exit "$name-srv" "$desc: the server exits cleanly"
    if grep "clasp: error:" "$WORK/$name-srv.log" 2>/dev/null | grep -qF -- "${OSSL_V[$opt]}"; then
      pass "$desc: the server's error names ${OSSL_V[$opt]}"
    else
      fail "$desc: the server's error names ${OSSL_V[$opt]}" "$WORK/$name-srv.log"
    fi
  else
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
  fi
done

echo "# clasp client against openssl s_server restricted to one version"
# s_server_case NAME S_SERVER_VERSION_OPTS -- [clasp client args...]
# `openssl s_server -www -msg -naccept 1` (ECDSA certificate); sets RC;
# files NAME.out, NAME.err, NAME-srv.log.
s_server_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  local port
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -www -msg -naccept 1 -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" "${sargs[@]}"; then
    fail "$name: openssl s_server did not start" "$WORK/$name-srv.log"
    return
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" --get / "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" $((RC == 0 ? 5 : 2)) || stop_bg "$name-srv"
}

s_server_case c13-s12 -tls1_2 -- --tls1.3
expect_status "$RC" nonzero "clasp client --tls1.3 vs s_server -tls1_2: fails" "$WORK/c13-s12.err"
expect_contains "$WORK/c13-s12-srv.log" ">>> TLS 1.2, Alert [length 0002], fatal protocol_version" \
  "clasp client --tls1.3 vs s_server -tls1_2: s_server sent protocol_version"
expect_clasp_error "$WORK/c13-s12.err" "version" "clasp client --tls1.3 vs s_server -tls1_2: the error is about the version"
expect_clasp_error "$WORK/c13-s12.err" "TLS 1\.2" "clasp client --tls1.3 vs s_server -tls1_2: the error mentions TLS 1.2"
expect_not_contains "$WORK/c13-s12.out" "HTTP/1.0 200" "clasp client --tls1.3 vs s_server -tls1_2: no data"

s_server_case cdef-s12 -tls1_2 --
expect_status "$RC" 0 "default clasp client vs s_server -tls1_2: succeeds" "$WORK/cdef-s12.err" "$WORK/cdef-s12-srv.log"
expect_hs "$WORK/cdef-s12.err" version TLSv1.2 "default clasp client vs s_server -tls1_2: version=TLSv1.2"
expect_contains "$WORK/cdef-s12.out" "HTTP/1.0 200 ok" "default clasp client vs s_server -tls1_2: got the page"

s_server_case c12-s13 -tls1_3 -- --tls1.2
expect_status "$RC" nonzero "clasp client --tls1.2 vs s_server -tls1_3: fails" "$WORK/c12-s13.err"
expect_contains "$WORK/c12-s13-srv.log" "fatal protocol_version" "clasp client --tls1.2 vs s_server -tls1_3: s_server sent protocol_version"
expect_clasp_error "$WORK/c12-s13.err" "protocol_version" "clasp client --tls1.2 vs s_server -tls1_3: the error names protocol_version"

# s_server allows 1.2 and 1.3 and puts the downgrade sentinel into its TLS
# 1.2 ServerHello; a clasp client that allows only 1.2 must accept it
# (RFC 8446 4.1.3: only a client that supports TLS 1.3 checks it).
s_server_case c12-sdef -trace -- --tls1.2
expect_status "$RC" 0 "clasp client --tls1.2 vs default s_server: succeeds (sentinel ignored)" "$WORK/c12-sdef.err" "$WORK/c12-sdef-srv.log"
expect_hs "$WORK/c12-sdef.err" version TLSv1.2 "clasp client --tls1.2 vs default s_server: version=TLSv1.2"
expect_ossl_msg "$WORK/c12-sdef-srv.log" ServerHello "444F574E47524401" "clasp client --tls1.2 vs default s_server: s_server did send the sentinel"

echo "# openssl s_client against clasp server restricted to one version"
# s_client_case NAME [clasp server args...] -- [s_client args...]: sets RC and
# TEXT (a line that must come back if the handshake works).
s_client_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  RC=99
  TEXT="hello from s_client, case $name, $RANDOM"
  if ! clasp_server_case "$name" "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  s_client_echo "$name" "$TEXT" -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
    -verify_return_error -verify_hostname localhost -msg "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
}

s_client_case s13-c12 --tls1.2 -- -tls1_3
if [[ $RC -ne 0 ]] && ! grep -qF -- "$TEXT" "$WORK/s13-c12.out"; then
  pass "s_client -tls1_3 vs clasp server --tls1.2: fails"
else
  fail "s_client -tls1_3 vs clasp server --tls1.2: fails (s_client exited $RC)" "$WORK/s13-c12.out"
fi
expect_contains "$WORK/s13-c12.out" "Alert [length 0002], fatal protocol_version" "s_client -tls1_3 vs clasp server --tls1.2: s_client got protocol_version"
expect_contains "$WORK/s13-c12.out" "SSL alert number 70" "s_client -tls1_3 vs clasp server --tls1.2: alert number 70"
expect_clasp_error "$WORK/s13-c12-srv.log" "TLS 1\.2 only" "s_client -tls1_3 vs clasp server --tls1.2: the server says it is set to TLS 1.2 only"

s_client_case s12-c13 --tls1.3 -- -tls1_2
if [[ $RC -ne 0 ]] && ! grep -qF -- "$TEXT" "$WORK/s12-c13.out"; then
  pass "s_client -tls1_2 vs clasp server --tls1.3: fails"
else
  fail "s_client -tls1_2 vs clasp server --tls1.3: fails (s_client exited $RC)" "$WORK/s12-c13.out"
fi
expect_contains "$WORK/s12-c13.out" "SSL alert number 70" "s_client -tls1_2 vs clasp server --tls1.3: alert number 70"
expect_contains "$WORK/s12-c13-srv.log" "clasp: error:" "s_client -tls1_2 vs clasp server --tls1.3: the server logs an error"

# A default (1.2 + 1.3) s_client meets a 1.2-only clasp server on TLS 1.2:
# the server must not put the downgrade sentinel in (s_client would abort).
s_client_case sdef-c12 --tls1.2 -- -trace
expect_status "$RC" 0 "default s_client vs clasp server --tls1.2: succeeds (no downgrade sentinel)" "$WORK/sdef-c12.out" "$WORK/sdef-c12-srv.log"
expect_contains "$WORK/sdef-c12.out" "Protocol  : TLSv1.2" "default s_client vs clasp server --tls1.2: TLSv1.2"
expect_contains "$WORK/sdef-c12.out" "$TEXT" "default s_client vs clasp server --tls1.2: the line came back"
expect_hs "$WORK/sdef-c12-srv.log" version TLSv1.2 "default s_client vs clasp server --tls1.2: server says version=TLSv1.2"
if ossl_msg_has "$WORK/sdef-c12.out" ServerHello "random_bytes" && ! ossl_msg_has "$WORK/sdef-c12.out" ServerHello "444F574E4752440"; then
  pass "default s_client vs clasp server --tls1.2: no downgrade sentinel in the ServerHello random"
else
  fail "default s_client vs clasp server --tls1.2: no downgrade sentinel in the ServerHello random" "$WORK/sdef-c12.out"
fi

# And a default s_client with a default clasp server gets TLS 1.3.
s_client_case sdef-cdef --
expect_status "$RC" 0 "default s_client vs default clasp server: succeeds" "$WORK/sdef-cdef.out" "$WORK/sdef-cdef-srv.log"
expect_hs "$WORK/sdef-cdef-srv.log" version TLSv1.3 "default s_client vs default clasp server: version=TLSv1.3"

finish
