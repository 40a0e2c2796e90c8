#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# example.epoll_server: examples/epoll_server.c (one thread, one epoll set,
# the fd layer on non-blocking sockets) against openssl s_client:
#   1. N clients connect at once and stay connected; each gets its own line
#      echoed, the server reports all N established at the same time, then
#      each gets a second line echoed on the same connection, and every one
#      closes cleanly (close_notify both ways) with the certificate verified;
#   2. several clients push megabytes at once: each gets back exactly its
#      own bytes (the server stops reading while a client does not take its
#      echo, and resumes);
#   3. a client that speaks no TLS is dropped with a sentence, and the
#      others keep being served;
#   4. SIGTERM: the server prints its summary and exits 0.
# Environment: CLASP_EPOLL_SERVER (the example binary), CLASP_TEST_LIB.
source "${CLASP_TEST_LIB:-$(dirname "$0")/../interop/lib.sh}"
need_tools "openssl" openssl

server_bin=${CLASP_EPOLL_SERVER:-}
if [[ ! -x $server_bin ]]; then
  fail "examples/epoll_server was not built (CLASP_EPOLL_SERVER='$server_bin')"
  finish
fi
CLIENTS=${CLASP_EPOLL_CLIENTS:-40}

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki" "$PKI/pki.log"; finish; }

start_bg server "$server_bin" "$PKI/ecdsa.pem" "$PKI/ecdsa.key" 0 127.0.0.1
if ! wait_log "$WORK/server.log" "listening on port" 10; then
  fail "epoll_server says it is listening" "$WORK/server.log"
  finish
fi
port=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$WORK/server.log" | head -1)

s_client_args=(-connect "127.0.0.1:$port" -servername localhost -CAfile "$PKI/ca.pem"
  -verify_return_error -nocommands)

# wait_all_contain SECONDS PATTERN: until every client i's output holds
# PATTERN with %d replaced by i. Prints how many do.
wait_all_contain() {
  local secs=$1 pattern=$2 i done_count deadline=$((SECONDS + $1))
  while :; do
    done_count=0
    for ((i = 1; i <= CLIENTS; i++)); do
      # shellcheck disable=SC2059
      grep -qF -- "$(printf "$pattern" "$i")" "$WORK/c$i.out" 2>/dev/null && done_count=$((done_count + 1))
    done
    ((done_count == CLIENTS || SECONDS >= deadline)) && break
    sleep 0.2
  done
  echo "$done_count"
}

# ------------------------------------------------- 1. many at once, one thread
declare -a client_pid=() client_fd=()
for ((i = 1; i <= CLIENTS; i++)); do
  mkfifo "$WORK/c$i.fifo"
  run_timeout 90 openssl s_client "${s_client_args[@]}" <"$WORK/c$i.fifo" >"$WORK/c$i.out" 2>&1 &
  client_pid[i]=$!
  exec {fd}>"$WORK/c$i.fifo"
  client_fd[i]=$fd
  printf 'hello-%d-end\n' "$i" >&"$fd"
done
got=$(wait_all_contain 60 'hello-%d-end')
check "$CLIENTS s_clients connected at once each get their first line echoed ($got did)" \
  test "$got" -eq "$CLIENTS"
expect_contains "$WORK/server.log" "(established=$CLIENTS)" \
  "the server had all $CLIENTS connections established at the same time, on one thread"
for ((i = 1; i <= CLIENTS; i++)); do
  printf 'bye-%d-end\n' "$i" >&"${client_fd[i]}"
done
got=$(wait_all_contain 60 'bye-%d-end')
check "each connection still open gets its second line echoed ($got of $CLIENTS)" \
  test "$got" -eq "$CLIENTS"
bad=0
for ((i = 1; i <= CLIENTS; i++)); do
  exec {client_fd[i]}>&- # EOF on s_client's stdin: it sends close_notify
done
for ((i = 1; i <= CLIENTS; i++)); do
  wait "${client_pid[i]}" || bad=$((bad + 1))
  grep -q "Verify return code: 0 (ok)" "$WORK/c$i.out" || bad=$((bad + 1))
done
check "every s_client verified the certificate and exited 0 ($bad problems)" test "$bad" -eq 0
deadline=$((SECONDS + 20))
while (($(grep -c "closed cleanly" "$WORK/server.log") < CLIENTS && SECONDS < deadline)); do sleep 0.2; done
closed=$(grep -c "closed cleanly" "$WORK/server.log")
check "the server closed all $CLIENTS connections cleanly ($closed)" test "$closed" -eq "$CLIENTS"
check "no connection was dropped" bash -c "! grep -q 'dropped' '$WORK/server.log'"
check "the server is still running after them" is_running server

# ------------------------------------------------------- 2. bulk, in parallel
BULK=4
for ((k = 1; k <= BULK; k++)); do
  head -c $((1500000 + k * 1000)) /dev/urandom | base64 >"$WORK/bulk$k.in"
  # -quiet: only the data on stdout (and s_client keeps reading after its
  # stdin ends, until it is stopped below). Like start_bg, with a file on stdin.
  setsid openssl s_client "${s_client_args[@]}" -quiet <"$WORK/bulk$k.in" \
    >"$WORK/bulk$k.echo" 2>"$WORK/bulk$k.err" &
  BG_PIDS+=("$!")
  BG_NAME_PID[bulk$k]=$!
done
deadline=$((SECONDS + 60))
for ((k = 1; k <= BULK; k++)); do
  want=$(stat -c %s "$WORK/bulk$k.in")
  while (($(stat -c %s "$WORK/bulk$k.echo") < want && SECONDS < deadline)); do sleep 0.2; done
  if cmp -s "$WORK/bulk$k.in" "$WORK/bulk$k.echo"; then
    pass "bulk client $k got back exactly its $want bytes"
  else
    fail "bulk client $k got back exactly its $want bytes (got $(stat -c %s "$WORK/bulk$k.echo"))" \
      "$WORK/bulk$k.err"
  fi
done
for ((k = 1; k <= BULK; k++)); do stop_bg "bulk$k"; done

# ----------------------------------------------------- 3. not TLS: dropped
if exec {raw}<>"/dev/tcp/127.0.0.1/$port"; then
  printf 'GET / HTTP/1.0\r\n\r\n' >&"$raw"
  timeout 5 cat <&"$raw" >"$WORK/raw.reply" 2>/dev/null
  exec {raw}>&-
fi
wait_log "$WORK/server.log" "dropped:" 10
check "a client that speaks HTTP instead of TLS is dropped with a sentence" \
  grep -qE "dropped: .+" "$WORK/server.log"
client_echo after "after-end" openssl s_client "${s_client_args[@]}"
expect_status $? 0 "a client after it is served" "$WORK/after.out"
expect_contains "$WORK/after.out" "after-end" "... and gets its echo"

# ----------------------------------------------------------------- 4. stop
kill -TERM "$(bg_pid server)"
expect_clean_exit server "epoll_server exits by itself after SIGTERM" 10
expect_contains "$WORK/server.log" "served $((CLIENTS + BULK + 2)) connections" \
  "its summary counts every connection"
finish
