#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clasp server under load, beside nginx (same certificate, TLS 1.3, 2
# workers each; loopback only; every step bounded). Asserts properties that
# hold on a busy machine; the numbers are printed (scripts/bench.sh --load
# compares them).
#   - wrk, a full handshake per request and keep-alive: no socket errors,
#     timeouts or non-2xx answers from clasp; req/s printed for both
#   - 10,000 idle TLS connections: all handshakes complete, RSS per
#     connection printed (nginx's too) and at most half of nginx's, a new
#     client gets a page in < 1 s
#   - --max-connections: extra connections are closed, the others work
#   - slow clients are cut at the handshake timeout; slow clients and a
#     malformed-ClientHello flood cost wrk's clients < 20% of throughput
#   - SIGTERM: exit 0
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
source "$INTEROP_DIR/loadlib.sh"

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh)"; finish; }
done
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
load_cert "$WORK" || { fail "cannot make the test certificate"; finish; }

cport=$(free_port)
nport=$(free_port)
start_load_clasp clasp "$cport" 2 || fail "clasp server did not start" "$WORK/clasp.log"
start_load_nginx nginx "$nport" 2 || fail "nginx did not start" "$WORK/nginx/logs/error.log"

echo "# wrk: a handshake per request, then keep-alive"
for kind in close keepalive; do
  args=(-t2 -c64 -d8s)
  [[ $kind == close ]] && args+=(-H 'Connection: close')
  wrk_run "$WORK/wrk-clasp-$kind.out" "https://127.0.0.1:$cport/" "${args[@]}"
  wrk_run "$WORK/wrk-nginx-$kind.out" "https://127.0.0.1:$nport/" "${args[@]}"
  c=$(wrk_rps "$WORK/wrk-clasp-$kind.out")
  n=$(wrk_rps "$WORK/wrk-nginx-$kind.out")
  echo "# $kind: clasp ${c:-?} req/s, nginx ${n:-?} req/s"
  if [[ -n $c ]] && ((c > 0)) && (($(wrk_bad "$WORK/wrk-clasp-$kind.out") == 0)); then
    pass "wrk $kind: clasp answers every request, no socket errors or timeouts"
  else
    fail "wrk $kind: clasp had errors" "$WORK/wrk-clasp-$kind.out"
  fi
done

echo "# 10,000 idle connections"
for srv in clasp nginx; do
  port=$cport
  [[ $srv == nginx ]] && port=$nport
  if [[ $srv == clasp ]]; then pids=$(bg_pid clasp); else pids=$(nginx_pids nginx); fi
  before=$(rss_kb $pids)
  if idle_hold "idle-$srv" "$port" 10000; then
    read -r _ ok bad < <(grep ready "$WORK/idle-$srv.log")
    after=$(rss_kb $pids)
    per=$(((after - before) * 1024 / 10000))
    echo "# $srv: RSS $before KiB -> $after KiB: $per bytes per idle connection"
    eval "rss_$srv=$per"
    if [[ $srv == clasp ]]; then
      ((ok == 10000)) && pass "clasp holds 10000 idle TLS connections (handshakes done: $ok)" ||
        fail "clasp: only $ok of 10000 handshakes completed ($bad failed)" "$WORK/idle-$srv.log" "$WORK/clasp.log"
      t0=$(date +%s%N)
      if run_timeout 5 curl -sk --max-time 1 "https://127.0.0.1:$cport/" -o "$WORK/busy.page"; then
        ms=$((($(date +%s%N) - t0) / 1000000))
        ((ms < 1000)) && pass "with 10000 idle connections a new client gets a page in $ms ms" ||
          fail "new client took $ms ms"
      else
        fail "a new client got no page within a second while 10000 connections were held"
      fi
    fi
  else
    fail "$srv: the idle connections were not ready within 120 s" "$WORK/idle-$srv.log"
  fi
  idle_release "idle-$srv"
done
# An idle connection keeps its TLS state only: no record buffers (about
# 4.5 KB against nginx's 15 KB here; PERFORMANCE.md).
if clasp_sanitized; then
  echo "# (ASan build: its quarantine keeps freed memory, so RSS is not compared)"
elif [[ -n ${rss_clasp:-} && -n ${rss_nginx:-} ]] && ((rss_nginx > 0)); then
  ((rss_clasp * 2 <= rss_nginx)) &&
    pass "an idle TLS connection costs clasp at most half of nginx's RSS ($rss_clasp vs $rss_nginx bytes)" ||
    fail "an idle TLS connection costs clasp $rss_clasp bytes of RSS, more than half of nginx's $rss_nginx"
fi
stop_bg nginx

echo "# --max-connections: refused cleanly, the others keep working"
mport=$(free_port)
start_load_clasp maxc "$mport" 1 --max-connections 5 || fail "clasp server (max 5) did not start"
if idle_hold idle-max "$mport" 5 --then-get; then
  page=$(run_timeout 5 curl -sk --max-time 3 "https://127.0.0.1:$mport/" 2>&1)
  [[ $page != *"clasp server"* ]] && pass "the 6th connection is refused" || fail "the 6th connection was served"
  echo >&"$IDLE_FD"
  wait_log "$WORK/idle-max.log" answered 20
  expect_contains "$WORK/idle-max.log" "answered 5" "the 5 open connections are still served"
  expect_contains "$WORK/maxc.log" "refusing new ones" "the server says why it refuses"
fi
idle_release idle-max
stop_bg maxc

echo "# slow clients and a malformed-ClientHello flood while wrk measures"
sport=$(free_port)
start_load_clasp slow "$sport" 2 --handshake-timeout 3 || fail "clasp server (slow) did not start"
measure() { # measure OUT: keep-alive req/s
  wrk_run "$1" "https://127.0.0.1:$sport/" -t1 -c16 -d4s
  wrk_rps "$1"
}
ok_under_attack=0
for attempt in 1 2; do
  base=$(measure "$WORK/base$attempt.out")
  start_bg "slowpeer$attempt" python3 "$LOADPEER" slow 127.0.0.1 "$sport" 100
  start_bg "flood$attempt" python3 "$LOADPEER" flood 127.0.0.1 "$sport" 100 6
  sleep 1
  hit=$(measure "$WORK/hit$attempt.out")
  wait_exit "slowpeer$attempt" 30
  wait_exit "flood$attempt" 15
  echo "# attempt $attempt: $base req/s alone, $hit req/s under attack"
  if ((base > 0 && hit * 100 >= base * 80)) && (($(wrk_bad "$WORK/hit$attempt.out") == 0)); then
    ok_under_attack=1
    break
  fi
done
((ok_under_attack)) && pass "slow clients and a flood cost well-behaved clients < 20% ($base -> $hit req/s)" ||
  fail "throughput under attack fell by 20% or more ($base -> $hit req/s)" "$WORK/hit$attempt.out"
read -r _ cut lo hi < <(grep '^cut' "$WORK/slowpeer$attempt.log")
if [[ ${cut:-0} == 100 ]] && awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo >= 2 && hi <= 6) }'; then
  pass "all 100 one-byte-a-second clients were cut at the 3 s handshake timeout ($lo..$hi s)"
else
  fail "slow clients were not cut at the handshake timeout (cut ${cut:-?}, $lo..$hi s)" "$WORK/slowpeer$attempt.log"
fi
grep -q '^flood [1-9]' "$WORK/flood$attempt.log" && pass "the flood ran" || fail "the flood did not run" "$WORK/flood$attempt.log"

echo "# SIGTERM: drain and exit 0"
for name in clasp slow; do
  kill -TERM "$(bg_pid $name)"
  wait_exit "$name" 15
  expect_status $? 0 "$name: clasp server exits 0 after SIGTERM" "$WORK/$name.log"
done
finish
