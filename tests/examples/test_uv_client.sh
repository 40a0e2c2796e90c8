#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# example.uv_client: examples/uv_client.c (libuv, the sans-I/O core, input
# read by libuv straight into the connection's buffer) against real servers:
#   1. openssl s_server -www (TLS 1.3, then TLS 1.2): the page comes, the
#      certificate is verified, the exit status says close_notify came;
#   2. openssl s_server -WWW serving a 1 MB random file: the body is byte
#      for byte the file, and every byte of it went through clasp's input
#      buffer with no copy (the example counts them);
#   3. nginx serving the same file over HTTP/1.1 with ALPN;
#   4. a server whose CA is not trusted is refused, with a sentence.
# Environment: CLASP_UV_CLIENT (the example binary), CLASP_TEST_LIB.
source "${CLASP_TEST_LIB:-$(dirname "$0")/../interop/lib.sh}"
need_tools "openssl" openssl

uv_client=${CLASP_UV_CLIENT:-}
if [[ ! -x $uv_client ]]; then
  fail "examples/uv_client was not built (libuv not found: Debian libuv1-dev, run scripts/setup.sh)"
  finish
fi

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki" "$PKI/pki.log"; finish; }

# fetch NAME PORT PATH [CA]: runs uv_client (at most 30 s); output in
# $WORK/NAME.out and $WORK/NAME.err; status is its exit status.
fetch() {
  run_timeout 30 "$uv_client" localhost "$2" "$3" "${4:-$PKI/ca.pem}" >"$WORK/$1.out" 2>"$WORK/$1.err"
}

# ------------------------------------------------------- 1. s_server -www
for v in 1_3 1_2; do
  port=$(free_port)
  if start_s_server "www$v" "$port" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" "-tls$v" -www; then
    fetch "www$v" "$port" /
    expect_status $? 0 "TLS ${v/_/.}: uv_client fetches the page of s_server -www (close_notify came)" \
      "$WORK/www$v.err"
    expect_contains "$WORK/www$v.out" "HTTP/1.0 200 ok" "TLS ${v/_/.}: the page's status line arrived"
    expect_contains "$WORK/www$v.out" "</HTML>" "TLS ${v/_/.}: the whole page arrived"
    expect_contains "$WORK/www$v.err" "TLSv${v/_/.}" "TLS ${v/_/.}: uv_client reports the version"
  else
    fail "openssl s_server -tls$v -www starts" "$WORK/www$v.log"
  fi
  stop_bg "www$v"
done

# ------------------------------------------- 2. s_server -WWW, a large file
mkdir -p "$WORK/docroot"
head -c 1000000 /dev/urandom >"$WORK/docroot/page.bin"
port=$(free_port)
# -WWW serves files from its working directory.
cd "$WORK/docroot" || exit 1
start_s_server big "$port" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -WWW
started=$?
cd "$WORK" || exit 1
if ((started == 0)); then
  fetch big "$port" /page.bin
  expect_status $? 0 "uv_client fetches a 1 MB file from s_server -WWW" "$WORK/big.err"
  tail -c 1000000 "$WORK/big.out" >"$WORK/big.body"
  check "the body is byte for byte the file" cmp -s "$WORK/big.body" "$WORK/docroot/page.bin"
  fed=$(sed -n 's/^uv_client: \([0-9]*\) bytes in \([0-9]*\) reads went straight into.*/\1/p' "$WORK/big.err")
  check "every byte received went into clasp's input buffer without a copy (${fed:-none} >= 1000000)" \
    test "${fed:-0}" -ge 1000000
else
  fail "openssl s_server -WWW starts" "$WORK/big.log"
fi

# ------------------------------------------------------------- 3. nginx
if command -v nginx >/dev/null; then
  port=$(free_port)
  mkdir -p "$WORK/nginx/logs"
  # Run as root, nginx's workers would drop to a user who cannot read $WORK.
  user_line=""
  [[ $(id -u) -eq 0 ]] && user_line="user root;"
  cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $PKI/rsa.pem;
    ssl_certificate_key $PKI/rsa.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WORK/docroot;
  }
}
EOF
  start_bg nginx nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
  if wait_port "$port" 10; then
    fetch nginx "$port" /page.bin
    expect_status $? 0 "uv_client fetches the file from nginx" "$WORK/nginx.err" "$WORK/nginx/logs/error.log"
    expect_contains "$WORK/nginx.out" "HTTP/1.1 200 OK" "nginx answered 200"
    expect_contains "$WORK/nginx.out" "Content-Length: 1000000" "... with the whole file's length"
    tail -c 1000000 "$WORK/nginx.out" >"$WORK/nginx.body"
    check "nginx's body is byte for byte the file" cmp -s "$WORK/nginx.body" "$WORK/docroot/page.bin"
  else
    fail "nginx starts on port $port" "$WORK/nginx.log" "$WORK/nginx/logs/error.log"
  fi
  stop_bg nginx
else
  fail "nginx not installed (nginx-light): run scripts/setup.sh"
fi

# ------------------------------------------------------ 4. untrusted server
port=$(free_port)
if start_s_server untrusted "$port" -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -www; then
  fetch untrusted "$port" /
  expect_status $? 1 "uv_client refuses a server the given CA did not issue" "$WORK/untrusted.err"
  expect_contains_i "$WORK/untrusted.err" "certificate" "... saying the certificate is the problem"
  expect_not_contains "$WORK/untrusted.out" "HTTP/" "... and nothing of the page is shown"
else
  fail "openssl s_server with the untrusted certificate starts" "$WORK/untrusted.log"
fi
stop_bg untrusted
finish
