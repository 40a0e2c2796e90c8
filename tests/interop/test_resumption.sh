#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Session resumption, both versions, both roles:
#   - openssl s_client -sess_out / -sess_in against `clasp server --echo`
#     (TLS 1.3 tickets, TLS 1.2 tickets, TLS 1.2 session ids);
#   - `clasp client --resume` against openssl s_server -www (the same three,
#     and a TLS 1.2 RSA key exchange suite), and against `clasp server`;
#   - a fleet: servers sharing --ticket-key resume each other's sessions, a
#     server with another key falls back to a full handshake;
#   - gnutls-cli --resume against `clasp server`, `clasp client --resume`
#     against gnutls-serv; without the extended master secret, neither side
#     resumes (RFC 7627 5.3);
#   - `clasp server --no-resumption`, and a bad --ticket-key file;
#   - resumption never bypasses client authentication: a session from a
#     server without --verify-client, offered by s_client without a
#     certificate to one with it that shares --ticket-key, is not resumed
#     and gets no page; a client-authenticated session still resumes.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
command -v openssl >/dev/null || { fail "openssl not installed"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# Ticket secrets: KEY_HEX (64 hex digits), KEY_RAW (32 raw bytes), KEY_OTHER.
KEY_HEX=$WORK/ticket-hex.key
KEY_RAW=$WORK/ticket-raw.key
KEY_OTHER=$WORK/ticket-other.key
openssl rand -hex 32 >"$KEY_HEX"
openssl rand 32 >"$KEY_RAW"
openssl rand -hex 32 >"$KEY_OTHER"

# s_client verifying "localhost" against ca.pem.
S_VERIFY=(-CAfile "$PKI/ca.pem" -verify_return_error -verify_hostname localhost)

# has_cert_arg ARGS...: one of ARGS is --cert (or gnutls-serv's --x509certfile).
has_cert_arg() {
  local a
  for a in "$@"; do [[ $a == --cert || $a == --x509certfile ]] && return 0; done
  return 1
}

# The resumed handshake of each version, as the "handshake:" line says it:
# TLS 1.3 resumes with PSK-DHE (a group, no certificate signature); TLS 1.2
# resumes with neither a key exchange nor a signature.
expect_resumed_line() { # expect_resumed_line FILE N VERSION DESC
  local file=$1 n=$2 version=$3 desc=$4
  expect_hs_nth "$file" "$n" resumed yes "$desc: handshake $n says resumed=yes"
  expect_hs_nth "$file" "$n" version "$version" "$desc: handshake $n says version=$version"
  expect_hs_nth "$file" "$n" sigalg - "$desc: handshake $n says sigalg=- (no certificate)"
  if [[ $version == TLSv1.2 ]]; then
    expect_hs_nth "$file" "$n" group - "$desc: handshake $n says group=- (no key exchange)"
  fi
}

# ---------------------------------------------------------------------------
echo "# 1. openssl s_client -sess_out, then -sess_in, against clasp server --echo --count 2"

# sc_case NAME [clasp server args...] -- [s_client args...]
# Starts `clasp server --echo --count 2` (ECDSA certificate unless the args
# give --cert), runs s_client with -sess_out NAME.sess, then again with
# -sess_in NAME.sess, one line each. Sets RC1, RC2, TEXT1, TEXT2; files
# NAME-1.out, NAME-2.out (s_client), NAME-srv.log (clasp server).
sc_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  has_cert_arg "${sargs[@]}" || sargs+=(--cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key")
  local port
  port=$(free_port)
  RC1=99 RC2=99
  TEXT1="first line of $name, $RANDOM"
  TEXT2="second line of $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 2 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    return 1
  fi
  s_client_echo "$name-1" "$TEXT1" -connect "127.0.0.1:$port" "${S_VERIFY[@]}" \
    -sess_out "$WORK/$name.sess" "${cargs[@]}"
  RC1=$?
  if [[ ! -s $WORK/$name.sess ]]; then
    fail "$name: s_client saved no session (-sess_out)" "$WORK/$name-1.out" "$WORK/$name-srv.log"
    stop_bg "$name-srv"
    return 1
  fi
  s_client_echo "$name-2" "$TEXT2" -connect "127.0.0.1:$port" "${S_VERIFY[@]}" \
    -sess_in "$WORK/$name.sess" "${cargs[@]}"
  RC2=$?
  return 0
}

# sc_resumed NAME DESC VERSION: both connections worked, the second resumed.
sc_resumed() {
  local name=$1 desc=$2 version=$3
  expect_status "$RC1" 0 "$desc: first s_client exits 0" "$WORK/$name-1.out" "$WORK/$name-srv.log"
  expect_status "$RC2" 0 "$desc: second s_client exits 0" "$WORK/$name-2.out" "$WORK/$name-srv.log"
  expect_contains "$WORK/$name-1.out" "New, " "$desc: first connection is a full handshake ('New')"
  expect_contains "$WORK/$name-2.out" "Reused, " "$desc: s_client says 'Reused' the second time"
  expect_contains "$WORK/$name-2.out" "$TEXT2" "$desc: the line came back on the resumed connection"
  expect_hs_nth "$WORK/$name-srv.log" 1 resumed no "$desc: server's handshake 1 says resumed=no"
  expect_resumed_line "$WORK/$name-srv.log" 2 "$version" "$desc: server"
  expect_clean_exit "$name-srv" "$desc: the server exits after --count 2"
}

# TLS 1.2 resumption keeps the master secret, and with it extended_master_secret.
sc_tls12_extras() { # sc_tls12_extras NAME DESC
  local m1 m2
  m1=$(s_client_field "$WORK/$1-1.out" Master-Key)
  m2=$(s_client_field "$WORK/$1-2.out" Master-Key)
  if [[ -n $m1 && $m1 == "$m2" ]]; then
    pass "$2: the resumed session has the first one's master secret"
  else
    fail "$2: master secrets differ ('${m1:0:16}...' then '${m2:0:16}...')" "$WORK/$1-2.out"
  fi
  expect_contains "$WORK/$1-2.out" "Extended master secret: yes" "$2: the resumed session keeps extended_master_secret"
}

if sc_case sc13 -- -tls1_3; then
  sc_resumed sc13 "s_client TLS 1.3" TLSv1.3
  expect_contains "$WORK/sc13-1.out" "Post-Handshake New Session Ticket arrived" "s_client TLS 1.3: the server sent a NewSessionTicket"
fi

if sc_case sc12t -- -tls1_2; then
  sc_resumed sc12t "s_client TLS 1.2 ticket" TLSv1.2
  expect_contains "$WORK/sc12t-1.out" "TLS session ticket:" "s_client TLS 1.2 ticket: the server sent a ticket"
  sc_tls12_extras sc12t "s_client TLS 1.2 ticket"
fi

if sc_case sc12id -- -tls1_2 -no_ticket; then
  sc_resumed sc12id "s_client TLS 1.2 session id" TLSv1.2
  expect_not_contains "$WORK/sc12id-1.out" "TLS session ticket:" "s_client TLS 1.2 session id: no ticket without the extension"
  id1=$(s_client_field "$WORK/sc12id-1.out" Session-ID)
  id2=$(s_client_field "$WORK/sc12id-2.out" Session-ID)
  if [[ -n $id1 && $id1 == "$id2" ]]; then
    pass "s_client TLS 1.2 session id: the server resumed the same session id"
  else
    fail "s_client TLS 1.2 session id: session ids '$id1' then '$id2'" "$WORK/sc12id-1.out" "$WORK/sc12id-2.out"
  fi
  sc_tls12_extras sc12id "s_client TLS 1.2 session id"
fi

# ---------------------------------------------------------------------------
echo "# 2. clasp client --resume against openssl s_server -www -naccept 2"

# cs_case NAME [s_server args...] -- [clasp client args...]
# Starts `openssl s_server -www -naccept 2` (ECDSA certificate unless the
# args give -cert) and runs `clasp client --resume --get /`. Sets RC; files
# NAME.out, NAME.err (clasp client), NAME-srv.log (s_server).
cs_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  add_default sargs -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key"
  local port
  port=$(free_port)
  RC=99
  if ! start_s_server "$name-srv" "$port" -www -naccept 2 "${sargs[@]}"; then
    fail "$name: s_server did not start" "$WORK/$name-srv.log"
    stop_bg "$name-srv"
    return 1
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    --resume --get / "${cargs[@]}"
  RC=$?
  wait_exit "$name-srv" 5 || stop_bg "$name-srv"
  return 0
}

# cs_resumed NAME DESC VERSION: clasp client connected twice and resumed.
cs_resumed() {
  local name=$1 desc=$2 version=$3 n
  expect_status "$RC" 0 "$desc: clasp client exits 0" "$WORK/$name.err" "$WORK/$name-srv.log"
  n=$(hs_count "$WORK/$name.err")
  if [[ $n -eq 2 ]]; then
    pass "$desc: clasp client printed two handshake lines"
  else
    fail "$desc: clasp client printed $n handshake lines, wanted 2" "$WORK/$name.err"
  fi
  expect_hs_nth "$WORK/$name.err" 1 resumed no "$desc: handshake 1 says resumed=no"
  expect_resumed_line "$WORK/$name.err" 2 "$version" "$desc"
  # s_server -www shows each connection's session: "New, ..." then "Reused, ...".
  expect_contains "$WORK/$name.out" "New, " "$desc: s_server's first page says 'New'"
  expect_contains "$WORK/$name.out" "Reused, " "$desc: s_server's second page says 'Reused'"
}

if cs_case cs13 -tls1_3 --; then cs_resumed cs13 "clasp client vs s_server TLS 1.3" TLSv1.3; fi
if cs_case cs12t -tls1_2 --; then cs_resumed cs12t "clasp client vs s_server TLS 1.2 ticket" TLSv1.2; fi
if cs_case cs12id -tls1_2 -no_ticket --; then cs_resumed cs12id "clasp client vs s_server TLS 1.2 session id" TLSv1.2; fi
if cs_case cs12rsa -tls1_2 -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -- --ciphers AES128-GCM-SHA256; then
  cs_resumed cs12rsa "clasp client vs s_server TLS 1.2 RSA key exchange" TLSv1.2
  expect_hs_nth "$WORK/cs12rsa.err" 2 cipher TLS_RSA_WITH_AES_128_GCM_SHA256 \
    "clasp client vs s_server TLS 1.2 RSA key exchange: resumed with TLS_RSA_WITH_AES_128_GCM_SHA256"
fi
if cs_case cs12rsaid -tls1_2 -no_ticket -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -- --ciphers AES128-GCM-SHA256; then
  cs_resumed cs12rsaid "clasp client vs s_server TLS 1.2 RSA key exchange, session id" TLSv1.2
fi

# ---------------------------------------------------------------------------
echo "# 3. clasp client --resume against clasp server --echo --count 2"

# cc_case NAME [clasp server args...] -- [clasp client args...]
# Sets RC and TEXT; files NAME.out, NAME.err, NAME-srv.log.
cc_case() {
  local name=$1
  shift
  local -a sargs cargs
  split_args sargs cargs "$@"
  has_cert_arg "${sargs[@]}" || sargs+=(--cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key")
  local port
  port=$(free_port)
  RC=99
  TEXT="hello from clasp client, case $name, $RANDOM"
  if ! start_clasp_server "$name-srv" "$port" --echo --count 2 "${sargs[@]}"; then
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    stop_bg "$name-srv"
    return 1
  fi
  clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
    --resume --send "$TEXT" "${cargs[@]}"
  RC=$?
  return 0
}

cc_resumed() { # cc_resumed NAME DESC VERSION
  local name=$1 desc=$2 version=$3 n
  expect_status "$RC" 0 "$desc: clasp client exits 0" "$WORK/$name.err" "$WORK/$name-srv.log"
  n=$(grep -cF -- "$TEXT" "$WORK/$name.out" 2>/dev/null)
  if [[ $n -eq 2 ]]; then
    pass "$desc: the line came back on both connections"
  else
    fail "$desc: the line came back $n times, wanted 2" "$WORK/$name.out" "$WORK/$name.err"
  fi
  expect_hs_nth "$WORK/$name.err" 1 resumed no "$desc: client's handshake 1 says resumed=no"
  expect_resumed_line "$WORK/$name.err" 2 "$version" "$desc: client"
  expect_hs_nth "$WORK/$name-srv.log" 1 resumed no "$desc: server's handshake 1 says resumed=no"
  expect_resumed_line "$WORK/$name-srv.log" 2 "$version" "$desc: server"
  expect_clean_exit "$name-srv" "$desc: the server exits after --count 2"
}

if cc_case cc13 -- --tls1.3; then cc_resumed cc13 "clasp vs clasp TLS 1.3" TLSv1.3; fi
if cc_case cc12 -- --tls1.2; then cc_resumed cc12 "clasp vs clasp TLS 1.2" TLSv1.2; fi
if cc_case cc12rsa --cert "$PKI/rsa.pem" --key "$PKI/rsa.key" -- --tls1.2 --ciphers AES128-GCM-SHA256; then
  cc_resumed cc12rsa "clasp vs clasp TLS 1.2 RSA key exchange" TLSv1.2
fi
# The server keeps to --tls1.2 and the client offers both versions.
if cc_case cc12srv --tls1.2 --; then cc_resumed cc12srv "clasp vs clasp, server --tls1.2" TLSv1.2; fi

# ---------------------------------------------------------------------------
echo "# 4. a fleet: servers that share --ticket-key resume each other's sessions"

# fleet_case NAME SHARED-KEY OTHER-KEY s_client-args...: servers A and B
# share SHARED-KEY, C has OTHER-KEY (each --count 1). s_client saves the
# session from A (-sess_out), then offers it to B and to C (-sess_in).
# Files NAME-{a,b,c}.out, NAME-{a,b,c}-srv.log; sets RCA, RCB, RCC.
fleet_case() {
  local name=$1 shared=$2 other=$3
  shift 3
  local -a cargs=("$@")
  local s key port port_a='' port_b='' port_c=''
  RCA=99 RCB=99 RCC=99
  for s in a b c; do
    key=$shared
    [[ $s == c ]] && key=$other
    port=$(free_port)
    printf -v "port_$s" '%s' "$port"
    if ! start_clasp_server "$name-$s-srv" "$port" --echo --count 1 --ticket-key "$key" \
      --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
      fail "$name: clasp server $s did not start" "$WORK/$name-$s-srv.log"
      stop_bg "$name-a-srv"
      stop_bg "$name-b-srv"
      stop_bg "$name-c-srv"
      return 1
    fi
  done
  s_client_echo "$name-a" "line for A, $RANDOM" -connect "127.0.0.1:$port_a" "${S_VERIFY[@]}" \
    -sess_out "$WORK/$name.sess" "${cargs[@]}"
  RCA=$?
  if [[ ! -s $WORK/$name.sess ]]; then
    fail "$name: s_client saved no session from server A" "$WORK/$name-a.out" "$WORK/$name-a-srv.log"
    stop_bg "$name-b-srv"
    stop_bg "$name-c-srv"
    return 1
  fi
  TEXTB="line for B, $RANDOM"
  s_client_echo "$name-b" "$TEXTB" -connect "127.0.0.1:$port_b" "${S_VERIFY[@]}" \
    -sess_in "$WORK/$name.sess" "${cargs[@]}"
  RCB=$?
  TEXTC="line for C, $RANDOM"
  s_client_echo "$name-c" "$TEXTC" -connect "127.0.0.1:$port_c" "${S_VERIFY[@]}" \
    -sess_in "$WORK/$name.sess" "${cargs[@]}"
  RCC=$?
  return 0
}

fleet_checks() { # fleet_checks NAME DESC VERSION
  local name=$1 desc=$2 version=$3
  expect_status "$RCA" 0 "$desc: s_client to A exits 0" "$WORK/$name-a.out" "$WORK/$name-a-srv.log"
  expect_hs "$WORK/$name-a-srv.log" resumed no "$desc: A did a full handshake"
  expect_status "$RCB" 0 "$desc: s_client to B exits 0" "$WORK/$name-b.out" "$WORK/$name-b-srv.log"
  expect_contains "$WORK/$name-b.out" "Reused, " "$desc: B resumed A's session (s_client says 'Reused')"
  expect_contains "$WORK/$name-b.out" "$TEXTB" "$desc: the line came back from B"
  expect_resumed_line "$WORK/$name-b-srv.log" 1 "$version" "$desc: B"
  expect_status "$RCC" 0 "$desc: s_client to C (another key) exits 0" "$WORK/$name-c.out" "$WORK/$name-c-srv.log"
  expect_contains "$WORK/$name-c.out" "New, " "$desc: C (another key) does a full handshake (s_client says 'New')"
  expect_not_contains "$WORK/$name-c.out" "Reused, " "$desc: C does not claim to resume"
  expect_contains "$WORK/$name-c.out" "Verify return code: 0 (ok)" "$desc: C's certificate was verified"
  expect_contains "$WORK/$name-c.out" "$TEXTC" "$desc: the line came back from C"
  expect_hs "$WORK/$name-c-srv.log" resumed no "$desc: C says resumed=no"
  expect_not_contains "$WORK/$name-c-srv.log" "clasp: error:" "$desc: C reports no error"
  local s
  for s in a b c; do expect_clean_exit "$name-$s-srv" "$desc: server $s exits after --count 1"; done
}

# TLS 1.3 with a hex key file, TLS 1.2 with a raw 32-byte key file.
if fleet_case fleet13 "$KEY_HEX" "$KEY_OTHER" -tls1_3; then fleet_checks fleet13 "fleet TLS 1.3" TLSv1.3; fi
if fleet_case fleet12 "$KEY_RAW" "$KEY_HEX" -tls1_2; then fleet_checks fleet12 "fleet TLS 1.2 ticket" TLSv1.2; fi

# ---------------------------------------------------------------------------
echo "# 5. GnuTLS"
if ! command -v gnutls-cli >/dev/null || ! command -v gnutls-serv >/dev/null; then
  fail "gnutls-bin (gnutls-cli, gnutls-serv) not installed: run scripts/setup.sh"
else
  TLS13='NORMAL:-VERS-ALL:+VERS-TLS1.3'
  TLS12='NORMAL:-VERS-ALL:+VERS-TLS1.2'

  # gcli_case NAME PRIORITY [clasp server args...]: gnutls-cli --resume
  # against `clasp server --echo --count 2`; the line is sent on the second
  # (resumed) connection. Sets RC and TEXT; files NAME.out, NAME-srv.log.
  gcli_case() {
    local name=$1 prio=$2
    shift 2
    local port
    port=$(free_port)
    RC=99
    TEXT="hello from gnutls-cli, case $name, $RANDOM"
    if ! start_clasp_server "$name-srv" "$port" --echo --count 2 --cert "$PKI/ecdsa.pem" \
      --key "$PKI/ecdsa.key" "$@"; then
      fail "$name: clasp server did not start" "$WORK/$name-srv.log"
      stop_bg "$name-srv"
      return 1
    fi
    client_echo "$name" "$TEXT" gnutls-cli --x509cafile "$PKI/ca.pem" --sni-hostname localhost \
      --verify-hostname localhost --priority "$prio" --resume -p "$port" 127.0.0.1
    RC=$?
    # What gnutls-cli says about the second connection.
    sed -n '/Connecting again/,$p' "$WORK/$name.out" >"$WORK/$name-resumed.out"
    return 0
  }

  gcli_resumed() { # gcli_resumed NAME DESC VERSION
    local name=$1 desc=$2 version=$3
    expect_status "$RC" 0 "$desc: gnutls-cli exits 0" "$WORK/$name.out" "$WORK/$name-srv.log"
    expect_contains "$WORK/$name.out" "The certificate is trusted" "$desc: gnutls-cli verified the certificate"
    expect_contains "$WORK/$name-resumed.out" "*** This is a resumed session" "$desc: gnutls-cli says 'This is a resumed session'"
    expect_contains "$WORK/$name.out" "$TEXT" "$desc: the line came back on the resumed connection"
    expect_hs_nth "$WORK/$name-srv.log" 1 resumed no "$desc: server's handshake 1 says resumed=no"
    expect_resumed_line "$WORK/$name-srv.log" 2 "$version" "$desc: server"
    expect_clean_exit "$name-srv" "$desc: the server exits after --count 2"
  }

  if gcli_case gcli13 "$TLS13"; then gcli_resumed gcli13 "gnutls-cli TLS 1.3" TLSv1.3; fi
  if gcli_case gcli12t "$TLS12"; then
    gcli_resumed gcli12t "gnutls-cli TLS 1.2 ticket" TLSv1.2
    expect_contains "$WORK/gcli12t-resumed.out" "extended master secret" "gnutls-cli TLS 1.2 ticket: the resumed session has extended master secret"
  fi
  if gcli_case gcli12id "$TLS12:%NO_TICKETS"; then
    gcli_resumed gcli12id "gnutls-cli TLS 1.2 session id" TLSv1.2
    expect_contains "$WORK/gcli12id-resumed.out" "extended master secret" "gnutls-cli TLS 1.2 session id: the resumed session has extended master secret"
  fi

  # gserv_case NAME PRIORITY MODE [gnutls-serv args...]: `clasp client
  # --resume` against gnutls-serv MODE (--http: --get /, --echo: --send).
  # gnutls-serv has no connection limit: it is stopped afterwards. Sets RC
  # and TEXT; files NAME.out, NAME.err, NAME-srv.log.
  gserv_case() {
    local name=$1 prio=$2 mode=$3
    shift 3
    local port
    port=$(free_port)
    RC=99
    TEXT="hello from clasp client, case $name, $RANDOM"
    start_bg "$name-srv" gnutls-serv "$mode" --port "$port" --priority "$prio" \
      --x509certfile "$PKI/ecdsa.pem" --x509keyfile "$PKI/ecdsa.key" "$@"
    if ! wait_log "$WORK/$name-srv.log" "listening on IPv4" 10; then
      fail "$name: gnutls-serv did not start" "$WORK/$name-srv.log"
      stop_bg "$name-srv"
      return 1
    fi
    local -a what=(--get /)
    [[ $mode == --echo ]] && what=(--send "$TEXT")
    clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
      --resume "${what[@]}"
    RC=$?
    # Let gnutls-serv finish its log of the second connection.
    wait_log "$WORK/$name-srv.log" "resumed session" 2
    stop_bg "$name-srv"
    return 0
  }

  gserv_resumed() { # gserv_resumed NAME DESC VERSION MODE
    local name=$1 desc=$2 version=$3 mode=$4 n
    expect_status "$RC" 0 "$desc: clasp client exits 0" "$WORK/$name.err" "$WORK/$name-srv.log"
    expect_hs_nth "$WORK/$name.err" 1 resumed no "$desc: handshake 1 says resumed=no"
    expect_resumed_line "$WORK/$name.err" 2 "$version" "$desc"
    expect_contains "$WORK/$name-srv.log" "*** This is a resumed session" "$desc: gnutls-serv says 'This is a resumed session'"
    if [[ $mode == --echo ]]; then
      n=$(grep -cF -- "$TEXT" "$WORK/$name.out" 2>/dev/null)
      if [[ $n -eq 2 ]]; then
        pass "$desc: the line came back on both connections"
      else
        fail "$desc: the line came back $n times, wanted 2" "$WORK/$name.out" "$WORK/$name.err"
      fi
    else
      n=$(grep -c "HTTP/1.0 200 OK" "$WORK/$name.out" 2>/dev/null)
      if [[ $n -eq 2 ]]; then
        pass "$desc: got the gnutls-serv page on both connections"
      else
        fail "$desc: got the gnutls-serv page $n times, wanted 2" "$WORK/$name.out" "$WORK/$name.err"
      fi
    fi
  }

  if gserv_case gserv13 "$TLS13" --http; then gserv_resumed gserv13 "clasp client vs gnutls-serv TLS 1.3 (--http)" TLSv1.3 --http; fi
  if gserv_case gserv12t "$TLS12" --http; then gserv_resumed gserv12t "clasp client vs gnutls-serv TLS 1.2 ticket (--http)" TLSv1.2 --http; fi
  if gserv_case gserv12id "$TLS12" --http --noticket; then
    gserv_resumed gserv12id "clasp client vs gnutls-serv TLS 1.2 session id (--http --noticket)" TLSv1.2 --http
  fi
  if gserv_case gserv13e "$TLS13" --echo; then gserv_resumed gserv13e "clasp client vs gnutls-serv TLS 1.3 (--echo)" TLSv1.3 --echo; fi
  if gserv_case gserv12e "$TLS12" --echo; then gserv_resumed gserv12e "clasp client vs gnutls-serv TLS 1.2 (--echo)" TLSv1.2 --echo; fi

  # RFC 7627 5.3: a session without the extended master secret is never
  # resumed (%NO_SESSION_HASH: GnuTLS does without it).
  if gcli_case gcli12noems "$TLS12:%NO_SESSION_HASH"; then
    desc="gnutls-cli TLS 1.2 without extended master secret"
    expect_status "$RC" 0 "$desc: gnutls-cli exits 0" "$WORK/gcli12noems.out" "$WORK/gcli12noems-srv.log"
    expect_contains "$WORK/gcli12noems.out" "$TEXT" "$desc: the line came back on the second connection"
    expect_not_contains "$WORK/gcli12noems-resumed.out" "*** This is a resumed session" "$desc: the server does not resume it"
    expect_hs_nth "$WORK/gcli12noems-srv.log" 2 resumed no "$desc: server's handshake 2 says resumed=no"
    expect_clean_exit gcli12noems-srv "$desc: the server exits after --count 2"
  fi
  if gserv_case gserv12noems "$TLS12:%NO_SESSION_HASH" --echo; then
    desc="clasp client vs gnutls-serv TLS 1.2 without extended master secret"
    expect_status "$RC" 1 "$desc: clasp client --resume exits 1" "$WORK/gserv12noems.err" "$WORK/gserv12noems-srv.log"
    expect_contains "$WORK/gserv12noems.err" "no resumable session" "$desc: the client keeps no session to resume"
    expect_contains "$WORK/gserv12noems.out" "$TEXT" "$desc: the first connection worked"
    expect_not_contains "$WORK/gserv12noems-srv.log" "*** This is a resumed session" "$desc: gnutls-serv resumed nothing"
  fi
fi

# ---------------------------------------------------------------------------
echo "# 6. clasp server --no-resumption"

# nr_case NAME s_client-args...: server R (resumption on) and server N
# (--no-resumption) share a ticket key, so a ticket from R would be good on
# N if N resumed at all. s_client saves the session from R and offers it to
# N. Sets RCR, RCN, TEXTN; files NAME-r.out, NAME-n.out, NAME-{r,n}-srv.log.
nr_case() {
  local name=$1
  shift
  local -a cargs=("$@")
  local pr pn
  RCR=99 RCN=99
  pr=$(free_port)
  if ! start_clasp_server "$name-r-srv" "$pr" --echo --count 1 --ticket-key "$KEY_HEX" \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server R did not start" "$WORK/$name-r-srv.log"
    stop_bg "$name-r-srv"
    return 1
  fi
  pn=$(free_port) # after R listens, so it cannot be R's port
  if ! start_clasp_server "$name-n-srv" "$pn" --echo --count 1 --ticket-key "$KEY_HEX" --no-resumption \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server N (--no-resumption) did not start" "$WORK/$name-n-srv.log"
    stop_bg "$name-r-srv"
    stop_bg "$name-n-srv"
    return 1
  fi
  s_client_echo "$name-r" "line for R, $RANDOM" -connect "127.0.0.1:$pr" "${S_VERIFY[@]}" \
    -sess_out "$WORK/$name.sess" "${cargs[@]}"
  RCR=$?
  if [[ ! -s $WORK/$name.sess ]]; then
    fail "$name: s_client saved no session from server R" "$WORK/$name-r.out" "$WORK/$name-r-srv.log"
    stop_bg "$name-n-srv"
    return 1
  fi
  TEXTN="line for N, $RANDOM"
  s_client_echo "$name-n" "$TEXTN" -connect "127.0.0.1:$pn" "${S_VERIFY[@]}" \
    -sess_in "$WORK/$name.sess" "${cargs[@]}"
  RCN=$?
  return 0
}

nr_checks() { # nr_checks NAME DESC
  local name=$1 desc=$2
  expect_status "$RCR" 0 "$desc: s_client to the resuming server exits 0" "$WORK/$name-r.out"
  expect_status "$RCN" 0 "$desc: s_client to --no-resumption exits 0" "$WORK/$name-n.out" "$WORK/$name-n-srv.log"
  expect_contains "$WORK/$name-n.out" "New, " "$desc: --no-resumption does a full handshake (s_client says 'New')"
  expect_not_contains "$WORK/$name-n.out" "Reused, " "$desc: s_client does not say 'Reused'"
  expect_contains "$WORK/$name-n.out" "$TEXTN" "$desc: the line came back"
  expect_not_contains "$WORK/$name-n.out" "TLS session ticket:" "$desc: --no-resumption sends no ticket"
  expect_hs "$WORK/$name-n-srv.log" resumed no "$desc: the server says resumed=no"
  expect_not_contains "$WORK/$name-n-srv.log" "clasp: error:" "$desc: the server reports no error"
  expect_clean_exit "$name-r-srv" "$desc: the resuming server exits after --count 1"
  expect_clean_exit "$name-n-srv" "$desc: the --no-resumption server exits after --count 1"
}

if nr_case nr13 -tls1_3; then nr_checks nr13 "--no-resumption TLS 1.3"; fi
if nr_case nr12 -tls1_2; then nr_checks nr12 "--no-resumption TLS 1.2 ticket"; fi

# TLS 1.2 without tickets: the --no-resumption server gives no session id,
# so there is nothing to resume.
port=$(free_port)
if start_clasp_server nr12id-srv "$port" --echo --count 1 --no-resumption \
  --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
  s_client_echo nr12id "no session id, $RANDOM" -connect "127.0.0.1:$port" "${S_VERIFY[@]}" -tls1_2 -no_ticket
  expect_status "$?" 0 "--no-resumption TLS 1.2 session id: s_client exits 0" "$WORK/nr12id.out" "$WORK/nr12id-srv.log"
  id=$(s_client_field "$WORK/nr12id.out" Session-ID)
  if grep -qE '^ *Session-ID: *$' "$WORK/nr12id.out"; then
    pass "--no-resumption TLS 1.2 session id: the server gives an empty session id"
  else
    fail "--no-resumption TLS 1.2 session id: the server gave session id '$id'" "$WORK/nr12id.out"
  fi
  expect_clean_exit nr12id-srv "--no-resumption TLS 1.2 session id: the server exits after --count 1"
else
  fail "nr12id: clasp server did not start" "$WORK/nr12id-srv.log"
  stop_bg nr12id-srv
fi

# clasp client --resume against --no-resumption: a clear error after the
# first connection, which itself works.
for v in 1.3 1.2; do
  name=nrcc${v/./}
  port=$(free_port)
  if start_clasp_server "$name-srv" "$port" --echo --count 1 --no-resumption \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    clasp_client "$name" "127.0.0.1:$port" --servername localhost --cafile "$PKI/ca.pem" \
      --resume --send "hello $name" "--tls$v"
    RC=$?
    expect_status "$RC" 1 "clasp client --resume vs --no-resumption TLS $v: exits 1" "$WORK/$name.err" "$WORK/$name-srv.log"
    expect_contains "$WORK/$name.err" "no resumable session" "clasp client --resume vs --no-resumption TLS $v: says the server gave no resumable session"
    expect_contains "$WORK/$name.out" "hello $name" "clasp client --resume vs --no-resumption TLS $v: the first connection worked"
    expect_clean_exit "$name-srv" "clasp client --resume vs --no-resumption TLS $v: the server exits after --count 1"
  else
    fail "$name: clasp server did not start" "$WORK/$name-srv.log"
    stop_bg "$name-srv"
  fi
done

# ---------------------------------------------------------------------------
echo "# 7. resumption does not bypass client authentication"

# www_get NAME s_client-args...: s_client sends "GET / HTTP/1.0" and a blank
# line, and waits (bounded) for the page. Output in NAME.out; sets RC.
www_get() {
  local name=$1
  shift
  client_dialog "$name" $'send GET / HTTP/1.0\nsend \nwait HTTP/1.1 200 OK' \
    openssl s_client -nocommands "$@"
  RC=$?
}

# auth_case NAME VERSION-FLAG: server O (no client authentication, --count
# 1) and server S (--verify-client, --count 3) share a ticket key.
#   1. s_client gets a session from O (-sess_out);
#   2. offers it to S without a certificate: S must not resume it, and must
#      not serve the page (a full handshake that needs a certificate);
#   3. with a certificate: a full handshake on S, the page, and a session;
#   4. that client-authenticated session resumes on S (no certificate needed).
auth_case() {
  local name=$1 vflag=$2 po ps
  po=$(free_port)
  if ! start_clasp_server "$name-o-srv" "$po" --www --count 1 --ticket-key "$KEY_HEX" \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server O did not start" "$WORK/$name-o-srv.log"
    stop_bg "$name-o-srv"
    return 1
  fi
  ps=$(free_port) # after O listens, so it cannot be O's port
  if ! start_clasp_server "$name-s-srv" "$ps" --www --count 3 --ticket-key "$KEY_HEX" \
    --verify-client "$PKI/ca.pem" --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
    fail "$name: clasp server S (--verify-client) did not start" "$WORK/$name-s-srv.log"
    stop_bg "$name-o-srv"
    stop_bg "$name-s-srv"
    return 1
  fi
  local -a common=("${S_VERIFY[@]}" "$vflag")
  www_get "$name-1" -connect "127.0.0.1:$po" "${common[@]}" -sess_out "$WORK/$name-open.sess"
  expect_status "$RC" 0 "$name: s_client gets O's page" "$WORK/$name-1.out" "$WORK/$name-o-srv.log"
  if [[ ! -s $WORK/$name-open.sess ]]; then
    fail "$name: s_client saved no session from O" "$WORK/$name-1.out"
    stop_bg "$name-s-srv"
    return 1
  fi
  www_get "$name-2" -connect "127.0.0.1:$ps" "${common[@]}" -sess_in "$WORK/$name-open.sess"
  expect_status "$RC" nonzero "$name: without a certificate, s_client with O's session gets nothing from S" "$WORK/$name-2.out" "$WORK/$name-s-srv.log"
  expect_not_contains "$WORK/$name-2.out" "Reused, " "$name: S does not resume O's session (s_client does not say 'Reused')"
  expect_not_contains "$WORK/$name-2.out" "HTTP/1.1 200 OK" "$name: S serves no page without a client certificate"
  expect_not_contains "$WORK/$name-s-srv.log" "resumed=yes" "$name: S's log has no resumed handshake"
  if grep "clasp: error:" "$WORK/$name-s-srv.log" 2>/dev/null | grep -qi certificate; then
    pass "$name: S says the client sent no certificate"
  else
    fail "$name: S says the client sent no certificate" "$WORK/$name-s-srv.log"
  fi
  www_get "$name-3" -connect "127.0.0.1:$ps" "${common[@]}" -sess_in "$WORK/$name-open.sess" \
    -cert "$PKI/client.pem" -key "$PKI/client.key" -sess_out "$WORK/$name-auth.sess"
  expect_status "$RC" 0 "$name: with a certificate, s_client gets S's page" "$WORK/$name-3.out" "$WORK/$name-s-srv.log"
  expect_contains "$WORK/$name-3.out" "New, " "$name: with a certificate, a full handshake ('New')"
  # The refused connection printed no "handshake:" line: this is S's first.
  expect_hs_nth "$WORK/$name-s-srv.log" 1 resumed no "$name: S's first handshake line says resumed=no"
  www_get "$name-4" -connect "127.0.0.1:$ps" "${common[@]}" -sess_in "$WORK/$name-auth.sess"
  expect_status "$RC" 0 "$name: the client-authenticated session gets S's page again" "$WORK/$name-4.out" "$WORK/$name-s-srv.log"
  expect_contains "$WORK/$name-4.out" "Reused, " "$name: S resumes its client-authenticated session ('Reused')"
  expect_hs_nth "$WORK/$name-s-srv.log" 2 resumed yes "$name: S's second handshake line says resumed=yes"
  expect_clean_exit "$name-o-srv" "$name: O exits after --count 1"
  expect_clean_exit "$name-s-srv" "$name: S exits after --count 3"
}

auth_case auth13 -tls1_3
auth_case auth12 -tls1_2

# ---------------------------------------------------------------------------
echo "# bad --ticket-key files are refused"
printf 'abc\n' >"$WORK/ticket-bad.key"
head -c 31 /dev/urandom >"$WORK/ticket-short.key"
for k in ticket-bad.key ticket-short.key ticket-missing.key; do
  run_timeout 10 "$CLASP" server --port 0 --count 1 --ticket-key "$WORK/$k" \
    --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key" </dev/null >"$WORK/badkey-$k.log" 2>&1
  expect_status "$?" nonzero "--ticket-key $k: the server refuses to start" "$WORK/badkey-$k.log"
  expect_not_contains "$WORK/badkey-$k.log" "listening on port" "--ticket-key $k: it never listens"
  expect_contains "$WORK/badkey-$k.log" "clasp: error:" "--ticket-key $k: it says why"
done

finish
