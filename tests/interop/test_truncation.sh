#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The end of a connection, against real peers, TLS 1.3 and TLS 1.2: a peer
# that hangs up without close_notify (a raw TCP close after its data, or a
# killed process) is reported as a possible truncation (RFC 8446 6.1) and
# the client exits non-zero; the same peer closing with close_notify is a
# clean end (exit 0, no such error).
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools "openssl, python3" openssl python3

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

TRUNCATED="closed the connection without close_notify; the data may be truncated"

# A TLS server in Python's ssl module (OpenSSL's libssl): it reads a request,
# sends a 200 KB body, then ends with close_notify (clean) or with a bare TCP
# shutdown (truncate: SSLSocket.shutdown() skips the TLS layer).
cat >"$WORK/tlsserver.py" <<'EOF'
import socket, ssl, sys
cert, key, version, mode = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = ctx.maximum_version = v
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
ls.settimeout(20)
print("listening on port", ls.getsockname()[1], flush=True)
conn, _ = ls.accept()
conn.settimeout(20)
s = ctx.wrap_socket(conn, server_side=True)
s.recv(4096)
body = b"".join(b"line %06d of the body\n" % i for i in range(9000))
s.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body + b"END OF BODY\n")
if mode == "truncate":
    s.shutdown(socket.SHUT_RDWR)
else:
    try:
        s.unwrap()
    except OSError:
        pass  # the client may hang up once it has our close_notify
print("done", mode, flush=True)
EOF

# py_case NAME VERSION MODE: clasp client --get / against tlsserver.py.
# Sets RC; files NAME.out/.err (clasp), NAME-srv.log (python).
py_case() {
  local name=$1 version=$2 mode=$3
  RC=99
  start_bg "$name-srv" python3 "$WORK/tlsserver.py" "$PKI/ecdsa.pem" "$PKI/ecdsa.key" "$version" "$mode"
  if ! wait_log "$WORK/$name-srv.log" "listening on port" 10; then
    fail "$name: the python TLS server did not start" "$WORK/$name-srv.log"
    return
  fi
  local port
  port=$(sed -n 's/^listening on port //p' "$WORK/$name-srv.log")
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    "--tls$version" --get /
  RC=$?
  wait_exit "$name-srv" 10 || stop_bg "$name-srv"
}

for v in 1.3 1.2; do
  echo "# clasp client, python server, TLS $v"
  py_case "py$v-clean" "$v" clean
  expect_status "$RC" 0 "TLS $v: close_notify after the body: clasp client exits 0" \
    "$WORK/py$v-clean.err" "$WORK/py$v-clean-srv.log"
  expect_contains "$WORK/py$v-clean.out" "END OF BODY" "TLS $v: close_notify: the whole body arrived"
  expect_not_contains "$WORK/py$v-clean.err" "clasp: error" "TLS $v: close_notify: no error"

  py_case "py$v-cut" "$v" truncate
  expect_status "$RC" 1 "TLS $v: TCP close without close_notify: clasp client exits 1" \
    "$WORK/py$v-cut.err" "$WORK/py$v-cut-srv.log"
  expect_contains "$WORK/py$v-cut-srv.log" "done truncate" "TLS $v: the server hung up without close_notify"
  expect_contains "$WORK/py$v-cut.out" "END OF BODY" "TLS $v: truncation: the data before it is still printed"
  expect_clasp_error "$WORK/py$v-cut.err" "$TRUNCATED" "TLS $v: truncation: clasp client says the data may be truncated"
done

# s_client_case NAME VERSION END MODE: clasp server --count 1, and `openssl
# s_client` that ends by closing stdin (END=clean: s_client sends
# close_notify) or by SIGKILL (END=kill: the kernel closes the socket, no
# close_notify). MODE echo: server --echo, s_client sends a line and waits
# for it to come back; www-partial: server --www, s_client sends half a
# request; www-silent: server --www, s_client sends nothing. Files:
# NAME.out (s_client), NAME-srv.log (clasp server).
s_client_case() {
  local name=$1 version=$2 how=$3 mode=$4
  local port
  port=$(free_port)
  if ! start_clasp_server "$name-srv" "$port" "$([[ $mode == echo ]] && echo --echo || echo --www)" \
    --count 1 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return
  fi
  local fifo="$WORK/$name.fifo" out="$WORK/$name.out" text="echo me, $name, $RANDOM"
  mkfifo "$fifo"
  setsid openssl s_client -nocommands -connect "127.0.0.1:$port" "-tls${version/./_}" \
    -CAfile "$PKI/ca.pem" <"$fifo" >"$out" 2>&1 &
  local pid=$! fd
  BG_PIDS+=("$pid")
  exec {fd}>"$fifo"
  case $mode in
    echo)
      printf '%s\n' "$text" 1>&"$fd" 2>/dev/null
      wait_log "$out" "$text" 10
      expect_contains "$out" "$text" "$name: the line came back"
      ;;
    www-partial)
      wait_log "$WORK/$name-srv.log" "handshake:" 10
      printf 'GET / HTTP/1.1\r\nHost: localhost\r\n' 1>&"$fd" 2>/dev/null
      sleep 1 # no way to see the server take it; it has a second
      ;;
    www-silent)
      wait_log "$WORK/$name-srv.log" "handshake:" 10
      ;;
  esac
  if [[ $how == kill ]]; then
    kill -KILL "$pid" 2>/dev/null
  fi
  exec {fd}>&-
  wait "$pid" 2>/dev/null
  expect_clean_exit "$name-srv" "$name: clasp server finishes its one connection"
}

for v in 1.3 1.2; do
  echo "# clasp server, openssl s_client, TLS $v"
  s_client_case "sc$v-clean" "$v" clean echo
  expect_not_contains "$WORK/sc$v-clean-srv.log" "clasp: error" "TLS $v: s_client's close_notify: no error on the server"
  s_client_case "sc$v-kill" "$v" kill echo
  expect_clasp_error "$WORK/sc$v-kill-srv.log" "$TRUNCATED" \
    "TLS $v: s_client killed: clasp server --echo says the data may be truncated"
  s_client_case "www$v-partial" "$v" kill www-partial
  expect_clasp_error "$WORK/www$v-partial-srv.log" "$TRUNCATED" \
    "TLS $v: s_client killed in the middle of a request: clasp server --www says it may be truncated"
  # What browsers do with spare connections: no request, no close_notify.
  s_client_case "www$v-silent" "$v" kill www-silent
  expect_not_contains "$WORK/www$v-silent-srv.log" "clasp: error" \
    "TLS $v: s_client killed before asking anything: no error from clasp server --www"
done

finish
