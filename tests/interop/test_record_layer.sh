#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The record layer against real peers:
#   - 0-RTT declined: openssl s_client resumes a session that allows early
#     data (minted by `openssl s_server -early_data`) against `clasp server`,
#     which does not know the ticket and never accepts early data: it must
#     skip the early-data records (RFC 8446 4.2.10) and finish the handshake;
#   - record_size_limit (RFC 8449): gnutls-cli --recordsize=512 against
#     `clasp server` (RSA certificate, so its encrypted flight is larger than
#     the limit) through recordrelay.py, which measures the server's records.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools "openssl" openssl
need_tools "gnutls-bin" gnutls-cli
need_tools "python3" python3

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
RELAY="$INTEROP_DIR/recordrelay.py"

# ---------------------------------------------------------------------------
echo "# 0-RTT offered to a server that declines it"
port=$(free_port)
# s_server reads its stdin: keep it open, or it closes the connection early.
start_bg mint bash -c "sleep 30 | exec openssl s_server -accept 127.0.0.1:$port -tls1_3 \
  -cert '$PKI/ecdsa.pem' -key '$PKI/ecdsa.key' -early_data -naccept 1"
if wait_log "$WORK/mint.log" "ACCEPT" 10; then
  (echo "mint a ticket"; sleep 1) | run_timeout 10 openssl s_client -connect "127.0.0.1:$port" \
    -tls1_3 -CAfile "$PKI/ca.pem" -sess_out "$WORK/early.sess" >"$WORK/mint-client.out" 2>&1
  stop_bg mint
  if openssl sess_id -in "$WORK/early.sess" -noout -text 2>/dev/null | grep -q "Max Early Data: 16384"; then
    pass "0-RTT: openssl minted a session that allows 16384 bytes of early data"
    head -c 6000 /dev/urandom | base64 -w 76 >"$WORK/early.txt"
    port=$(free_port)
    if start_clasp_server early-srv "$port" --echo --count 1 --trace \
      --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.key"; then
      TEXT="after the handshake $RANDOM"
      s_client_echo early "$TEXT" -connect "127.0.0.1:$port" -tls1_3 -CAfile "$PKI/ca.pem" \
        -verify_return_error -sess_in "$WORK/early.sess" -early_data "$WORK/early.txt"
      RC=$?
      wait_exit early-srv 5 || stop_bg early-srv
      expect_status "$RC" 0 "0-RTT: s_client exits 0" "$WORK/early.out" "$WORK/early-srv.log"
      expect_contains "$WORK/early.out" "Early data was rejected" "0-RTT: s_client sent early data and saw it rejected"
      expect_contains "$WORK/early.out" "$TEXT" "0-RTT: data after the handshake is echoed"
      expect_contains "$WORK/early-srv.log" "skipped a" "0-RTT: clasp server skipped the early-data records"
      expect_contains "$WORK/early-srv.log" "handshake: version=TLSv1.3" "0-RTT: clasp server finished the handshake"
      expect_not_contains "$WORK/early-srv.log" "error" "0-RTT: clasp server reports no error"
    else
      fail "0-RTT: clasp server did not start" "$WORK/early-srv.log"
    fi
  else
    fail "0-RTT: openssl s_server -early_data gave no session with early data" \
      "$WORK/mint-client.out" "$WORK/mint.log"
  fi
else
  fail "0-RTT: openssl s_server did not start" "$WORK/mint.log"
fi

# ---------------------------------------------------------------------------
echo "# record_size_limit: gnutls-cli --recordsize=512"
port=$(free_port)
relay_port=$(free_port)
if start_clasp_server rsl-srv "$port" --echo --count 1 --cert "$PKI/rsa.pem" --key "$PKI/rsa.key"; then
  start_bg relay python3 "$RELAY" "$relay_port" "$port" --timeout 15
  if wait_log "$WORK/relay.log" "listening" 10; then
    TEXT="small records please $RANDOM"
    client_echo rsl "$TEXT" gnutls-cli --x509cafile "$PKI/ca.pem" --port "$relay_port" \
      --sni-hostname localhost --verify-hostname localhost --recordsize=512 127.0.0.1
    RC=$?
    wait_exit relay 10 || stop_bg relay
    wait_exit rsl-srv 5 || stop_bg rsl-srv
    expect_status "$RC" 0 "record_size_limit: gnutls-cli exits 0" "$WORK/rsl.out" "$WORK/rsl-srv.log"
    expect_contains "$WORK/rsl.out" "$TEXT" "record_size_limit: the echo came back"
    limit=$(sed -n 's/^client_record_size_limit: //p' "$WORK/relay.log")
    largest=$(sed -n 's/^server_largest_protected: //p' "$WORK/relay.log")
    count=$(sed -n 's/^server_protected_records: //p' "$WORK/relay.log")
    if [[ $limit =~ ^[0-9]+$ && $largest =~ ^[0-9]+$ && $count -gt 0 ]]; then
      # TLS 1.3: the limit counts the inner plaintext; the body adds a 16-byte tag.
      if ((largest <= limit + 16)); then
        pass "record_size_limit: clasp's largest record body is $largest bytes, within gnutls's $limit + 16"
      else
        fail "record_size_limit: clasp sent a $largest-byte record body, over gnutls's limit $limit + 16" "$WORK/relay.log"
      fi
      # The handshake flight alone (RSA certificate) exceeds 512 bytes: it was split.
      if ((count >= 3)); then
        pass "record_size_limit: clasp split its flight ($count protected records)"
      else
        fail "record_size_limit: only $count protected records from clasp" "$WORK/relay.log"
      fi
    else
      fail "record_size_limit: the relay measured nothing (limit '$limit', largest '$largest')" "$WORK/relay.log"
    fi
  else
    fail "record_size_limit: the relay did not start" "$WORK/relay.log"
    stop_bg rsl-srv
  fi
else
  fail "record_size_limit: clasp server did not start" "$WORK/rsl-srv.log"
fi

finish
