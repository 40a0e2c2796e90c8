#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Session store hooks with a real Redis: a redis-server on loopback (no
# persistence), two clasp servers (examples/redis_sessions.c) that keep
# their sessions in it, and openssl s_client making a session on one and
# resuming it on the other (-sess_out / -sess_in): TLS 1.3 tickets, TLS 1.2
# tickets and TLS 1.2 session ids (-no_ticket). Then the store is emptied
# (FLUSHALL) and the same sessions no longer resume: the tickets are ids
# only the store resolves, not sealed sessions.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
EXAMPLE=${CLASP_REDIS_SESSIONS:-$REPO_ROOT/build/redis_sessions}
# Server B may be another build of the example (tests/install runs this test
# with one built through pkg-config and one through find_package).
EXAMPLE_B=${CLASP_REDIS_SESSIONS_B:-$EXAMPLE}
for tool in openssl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { fail "$tool not installed (scripts/setup.sh installs it)"; finish; }
done
[[ -x $EXAMPLE && -x $EXAMPLE_B ]] || { fail "examples/redis_sessions.c not built (is libhiredis-dev installed?)"; finish; }

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }
openssl rand -hex 32 >"$WORK/ticket.hex"

RPORT=$(free_port)
start_bg redis redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no
redis() { run_timeout 5 redis-cli -h 127.0.0.1 -p "$RPORT" "$@"; }
up=0
for ((i = 0; i < 100; i++)); do
  [[ $(redis ping 2>/dev/null) == PONG ]] && { up=1; break; }
  sleep 0.1
done
((up)) || { fail "redis-server did not answer PING within 10 s" "$WORK/redis.log"; finish; }
pass "redis-server runs on 127.0.0.1:$RPORT"

start_store_server() { # start_store_server NAME PORT BINARY
  start_bg "$1" "$3" --port "$2" --redis-port "$RPORT" --cert "$PKI/ecdsa.pem" \
    --key "$PKI/ecdsa.key" --ticket-key "$WORK/ticket.hex"
  wait_log "$WORK/$1.log" "listening on port" 10 || fail "$1 did not start" "$WORK/$1.log"
}
PORT_A=$(free_port)
PORT_B=$(free_port)
start_store_server server_a "$PORT_A" "$EXAMPLE"
start_store_server server_b "$PORT_B" "$EXAMPLE_B"

# resume_case NAME DESC S_CLIENT_ARGS...: a session made on server A, resumed on B.
resume_case() {
  local name=$1 desc=$2
  shift 2
  s_client_echo "${name}_new" "first $name" -connect "127.0.0.1:$PORT_A" -CAfile "$PKI/ca.pem" \
    -sess_out "$WORK/$name.sess" "$@"
  expect_status $? 0 "$desc: a full handshake on server A" "$WORK/${name}_new.out" "$WORK/server_a.log"
  expect_contains "$WORK/${name}_new.out" "New, " "$desc: server A made a new session"
  s_client_echo "${name}_reused" "second $name" -connect "127.0.0.1:$PORT_B" -CAfile "$PKI/ca.pem" \
    -sess_in "$WORK/$name.sess" "$@"
  expect_status $? 0 "$desc: resuming on server B" "$WORK/${name}_reused.out" "$WORK/server_b.log"
  expect_contains "$WORK/${name}_reused.out" "Reused, " "$desc: server B resumed server A's session"
  expect_contains "$WORK/${name}_reused.out" "second $name" "$desc: data flows on the resumed connection"
}

echo "# sessions made on server A resume on server B through Redis"
resume_case t13 "TLS 1.3 ticket" -tls1_3
resume_case t12 "TLS 1.2 ticket" -tls1_2
resume_case id12 "TLS 1.2 session id" -tls1_2 -no_ticket
expect_contains "$WORK/server_a.log" "store: put" "server A put sessions in the store"
expect_contains "$WORK/server_b.log" "store: lookup hit" "server B found them there"
expect_contains "$WORK/server_b.log" "resumed=yes" "server B reports the resumption"
keys=$(redis dbsize 2>/dev/null)
if [[ $keys =~ ^[0-9]+$ ]] && ((keys >= 3)); then
  pass "Redis holds the sessions ($keys keys)"
else
  fail "Redis should hold at least 3 sessions, DBSIZE says '$keys'"
fi
# The keys hold binary ids: let Redis pick one and report its TTL.
ttl=$(redis eval "local k = redis.call('keys', 'clasp:session:*') return redis.call('ttl', k[1])" 0 2>/dev/null)
if [[ $ttl =~ ^[0-9]+$ ]] && ((ttl > 0 && ttl <= 7200)); then
  pass "stored sessions expire with the ticket lifetime (TTL $ttl s)"
else
  fail "a stored session should have a TTL of at most 7200 s, got '$ttl'"
fi

echo "# an emptied store resumes nothing"
redis flushall >/dev/null
for name in t13 t12 id12; do
  case $name in
    t13) args=(-tls1_3) ;;
    t12) args=(-tls1_2) ;;
    id12) args=(-tls1_2 -no_ticket) ;;
  esac
  s_client_echo "${name}_flushed" "after flush $name" -connect "127.0.0.1:$PORT_B" -CAfile "$PKI/ca.pem" \
    -sess_in "$WORK/$name.sess" "${args[@]}"
  expect_status $? 0 "$name: a connection after FLUSHALL still succeeds" "$WORK/${name}_flushed.out"
  expect_contains "$WORK/${name}_flushed.out" "New, " "$name: after FLUSHALL the session is not resumed (full handshake)"
done
expect_contains "$WORK/server_b.log" "store: lookup miss" "server B looked the sessions up and missed"

stop_bg server_a
stop_bg server_b
redis shutdown nosave >/dev/null 2>&1
expect_clean_exit redis "redis-server stopped"
finish
