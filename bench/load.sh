#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load benchmark: clasp server against nginx (tests/interop/loadlib.sh),
# wrk on loopback. Prints ratio lines; asserts nothing.
CLASP=${CLASP:?path of the clasp binary}
source "$(dirname "$0")/../tests/interop/lib.sh"
source "$INTEROP_DIR/loadlib.sh"
ulimit -n 20000 2>/dev/null || true
load_cert "$WORK"
cport=$(free_port); nport=$(free_port); c1port=$(free_port)
start_load_clasp clasp "$cport" 2
start_load_clasp clasp1 "$c1port" 1
start_load_nginx nginx "$nport" 2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for kind in handshakes keepalive; do
  args=(-t2 -c64 -d8s)
  [[ $kind == handshakes ]] && args+=(-H 'Connection: close')
  wrk_run "$WORK/c.out" "https://127.0.0.1:$cport/" "${args[@]}"
  wrk_run "$WORK/n.out" "https://127.0.0.1:$nport/" "${args[@]}"
  c=$(wrk_rps "$WORK/c.out"); n=$(wrk_rps "$WORK/n.out")
  echo "ratio scenario=load-$kind metric=req_s clasp=$c nginx=$n ratio=$(ratio "$c" "$n")"
done
wrk_run "$WORK/c1.out" "https://127.0.0.1:$c1port/" -t2 -c64 -d8s -H 'Connection: close'
wrk_run "$WORK/c2.out" "https://127.0.0.1:$cport/" -t2 -c64 -d8s -H 'Connection: close'
one=$(wrk_rps "$WORK/c1.out"); two=$(wrk_rps "$WORK/c2.out")
echo "ratio scenario=load-scaling metric=req_s workers2=$two workers1=$one ratio=$(ratio "$two" "$one")"
for srv in clasp nginx; do
  port=$cport; pids=$(bg_pid clasp)
  [[ $srv == nginx ]] && { port=$nport; pids=$(nginx_pids nginx); }
  before=$(rss_kb $pids)
  idle_hold "idle-$srv" "$port" 10000
  after=$(rss_kb $pids)
  eval "rss_$srv=$(((after - before) * 1024 / 10000))"
  idle_release "idle-$srv"
done
echo "ratio scenario=load-idle metric=rss_bytes_per_conn clasp=$rss_clasp nginx=$rss_nginx ratio=$(ratio "$rss_clasp" "$rss_nginx")"
finish
