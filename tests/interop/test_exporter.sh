#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The keying-material exporter (clasp_conn_export_keying_material, the
# tool's --export LABEL:LEN) computes what OpenSSL computes
# (-keymatexport LABEL -keymatexportlen LEN): TLS 1.3 (RFC 8446 7.5) and
# TLS 1.2 (RFC 5705), with a SHA-256 and a SHA-384 suite, clasp as client
# and as server. A TLS 1.2 peer without the extended master secret
# (gnutls-cli %NO_SESSION_HASH) gets no exported keys, and a sentence.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools openssl openssl

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
LABEL=EXPERIMENTAL-clasp-exporter

# The hex after "Keying material:" (OpenSSL) or "exporter:" (clasp) in FILE.
ossl_material() { sed -n 's/^ *Keying material: *\([0-9A-F]*\).*/\1/p' "$1" | head -1; }
clasp_material() { sed -n 's/^exporter: \([0-9A-F]*\)$/\1/p' "$1" | head -1; }

same_material() { # same_material DESC CLASP_FILE OSSL_FILE LEN
  local desc=$1 mine theirs
  mine=$(clasp_material "$2")
  theirs=$(ossl_material "$3")
  if [[ -n $mine && ${#mine} -eq $((2 * $4)) && $mine == "$theirs" ]]; then
    pass "$desc: clasp and OpenSSL export the same $4 bytes"
  else
    fail "$desc: clasp exported '$mine', OpenSSL '$theirs'" "$2" "$3"
  fi
}

# ------------------------------------------------------- clasp as client
client_case() { # client_case NAME DESC LEN S_SERVER_ARGS...
  local name=$1 desc=$2 len=$3 port
  shift 3
  port=$(free_port)
  # s_server ends when its stdin does: keep it open while the case runs.
  start_bg "srv-$name" bash -c "sleep 30 | exec openssl s_server -accept 127.0.0.1:$port \
    -cert '$PKI/ecdsa.pem' -key '$PKI/ecdsa.key' -naccept 1 -keymatexport $LABEL \
    -keymatexportlen $len $*"
  if ! wait_log "$WORK/srv-$name.log" ACCEPT 10; then
    fail "$desc: openssl s_server starts" "$WORK/srv-$name.log"
    return
  fi
  clasp_client "cli-$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    --send "exporter $name" --export "$LABEL:$len"
  expect_status $? 0 "$desc: clasp client exits 0" "$WORK/cli-$name.err"
  wait_log "$WORK/srv-$name.log" "Keying material:" 5
  same_material "$desc" "$WORK/cli-$name.err" "$WORK/srv-$name.log" "$len"
  stop_bg "srv-$name"
}
client_case c13 "TLS 1.3 client, AES-128-GCM-SHA256" 20 -tls1_3
client_case c13-384 "TLS 1.3 client, AES-256-GCM-SHA384, 100 bytes" 100 -tls1_3 \
  -ciphersuites TLS_AES_256_GCM_SHA384
client_case c12 "TLS 1.2 client, ECDHE-ECDSA-AES128-GCM-SHA256" 20 -tls1_2
client_case c12-384 "TLS 1.2 client, ECDHE-ECDSA-AES256-GCM-SHA384, 64 bytes" 64 -tls1_2 \
  -cipher ECDHE-ECDSA-AES256-GCM-SHA384

# ------------------------------------------------------- clasp as server
server_case() { # server_case NAME DESC LEN S_CLIENT_ARGS...
  local name=$1 desc=$2 len=$3 port
  shift 3
  port=$(free_port)
  if ! start_clasp_server "srv-$name" "$port" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" \
      --echo --count 1 --export "$LABEL:$len"; then
    fail "$desc: clasp server starts" "$WORK/srv-$name.log"
    return
  fi
  s_client_echo "cli-$name" "exporter $name" -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" \
    -verify_return_error -keymatexport "$LABEL" -keymatexportlen "$len" "$@"
  expect_status $? 0 "$desc: openssl s_client exits 0" "$WORK/cli-$name.out" "$WORK/srv-$name.log"
  wait_log "$WORK/srv-$name.log" "exporter:" 5
  same_material "$desc" "$WORK/srv-$name.log" "$WORK/cli-$name.out" "$len"
  stop_bg "srv-$name"
}
server_case s13 "TLS 1.3 server" 32 -tls1_3
server_case s13-384 "TLS 1.3 server, AES-256-GCM-SHA384" 48 -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
server_case s12 "TLS 1.2 server" 32 -tls1_2
server_case s12-384 "TLS 1.2 server, SHA-384 suite" 48 -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384

# ------------------------------------------- TLS 1.2 without EMS: refused
if command -v gnutls-cli >/dev/null; then
  port=$(free_port)
  if start_clasp_server srv-noems "$port" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" \
      --echo --count 1 --export "$LABEL:32"; then
    client_echo cli-noems "no ems" gnutls-cli --x509cafile="$PKI/ca.pem" -p "$port" localhost \
      --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH"
    wait_log "$WORK/srv-noems.log" "cannot export" 5
    expect_contains "$WORK/srv-noems.log" "cannot export keying material: this TLS 1.2 connection has no extended master secret (RFC 7627)" \
      "TLS 1.2 without the extended master secret: no keys exported, and a sentence why"
    expect_not_contains "$WORK/srv-noems.log" "exporter:" "TLS 1.2 without EMS: no exporter line"
    stop_bg srv-noems
  else
    fail "clasp server starts (no EMS case)" "$WORK/srv-noems.log"
  fi
else
  fail "gnutls-cli not installed (gnutls-bin): run scripts/setup.sh"
fi

# ------------------------------------------------------------- usage
run_timeout 10 "$CLASP" client 127.0.0.1:9 --export "$LABEL" >"$WORK/usage1.out" 2>&1
expect_status $? 2 "--export without :LEN is a usage error" "$WORK/usage1.out"
expect_contains "$WORK/usage1.out" "--export needs LABEL:LEN" "--export without :LEN says what it needs"
run_timeout 10 "$CLASP" client 127.0.0.1:9 --export "$LABEL:0" >"$WORK/usage2.out" 2>&1
expect_status $? 2 "--export LABEL:0 is a usage error" "$WORK/usage2.out"
finish
