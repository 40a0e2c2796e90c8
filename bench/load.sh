#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load benchmark: clasp server against nginx (tests/interop/loadlib.sh),
# wrk on loopback. Prints ratio lines; asserts nothing.
#
# LOAD_ROUNDS (default 3) rounds, each running every wrk measurement once
# (clasp and nginx take turns going first); every figure printed is the
# median over the rounds, and the ratio is that of the medians. Besides
# requests per second (which on a small machine also depends on how much
# CPU wrk and anything else running leave the server), each run reads the
# servers' own CPU time from /proc: server_cpu_us_per_req does not depend
# on who else uses the machine. LOAD_SECONDS (default 8) per wrk run.
CLASP=${CLASP:?path of the clasp binary}
source "$(dirname "$0")/../tests/interop/lib.sh"
source "$INTEROP_DIR/loadlib.sh"
ROUNDS=${LOAD_ROUNDS:-3}
SECS=${LOAD_SECONDS:-8}
TCK=$(getconf CLK_TCK)
ulimit -n 20000 2>/dev/null || true
load_cert "$WORK"
cport=$(free_port); nport=$(free_port); c1port=$(free_port)
start_load_clasp clasp "$cport" 2
start_load_clasp clasp1 "$c1port" 1
start_load_nginx nginx "$nport" 2
clasp_pid=$(bg_pid clasp); clasp1_pid=$(bg_pid clasp1); nginx_pid_list=$(nginx_pids nginx)

# measure NAME KIND PORT PID...: one wrk run; appends "req/s server-us/req
# wrk-us/req server-cores wrk-cores" to $WORK/NAME-KIND.txt.
measure() {
  local name=$1 kind=$2 port=$3
  shift 3
  local args=(-t2 -c64 "-d${SECS}s")
  [[ $kind == handshakes ]] && args+=(-H 'Connection: close')
  local t0 w0 t1 w1 out="$WORK/$name-$kind.out"
  children_cpu_ms; w0=$CHILDREN_CPU_MS; t0=$(cpu_ticks "$@")
  wrk_run "$out" "https://127.0.0.1:$port/" "${args[@]}"
  t1=$(cpu_ticks "$@"); children_cpu_ms; w1=$CHILDREN_CPU_MS
  local reqs bad
  reqs=$(awk '/requests in/ { print $1 }' "$out")
  bad=$(wrk_bad "$out")
  ((bad > 0)) && echo "# $name $kind: $bad socket errors, timeouts or non-2xx answers"
  awk -v r="$(wrk_rps "$out")" -v n="${reqs:-0}" -v s=$((t1 - t0)) -v w=$((w1 - w0)) -v tck="$TCK" \
    -v secs="$SECS" 'BEGIN { if (n == 0) n = 1
      printf "%d %.1f %.1f %.2f %.2f\n", r, s * 1e6 / tck / n, w * 1e3 / n, s / tck / secs, w / 1e3 / secs }' \
    >>"$WORK/$name-$kind.txt"
}

median() { # median FILE COLUMN
  awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
per_round() { # per_round FILE_A FILE_B COLUMN: the ratio of each round
  paste -d' ' "$1" "$2" | awk -v c="$3" '{ n = NF / 2; printf "%s%.2f", (NR > 1 ? " " : ""), ($(n + c) > 0 ? $c / $(n + c) : 0) }'
}

for ((round = 1; round <= ROUNDS; round++)); do
  for kind in handshakes keepalive; do
    if ((round % 2)); then
      measure clasp "$kind" "$cport" $clasp_pid
      measure nginx "$kind" "$nport" $nginx_pid_list
    else
      measure nginx "$kind" "$nport" $nginx_pid_list
      measure clasp "$kind" "$cport" $clasp_pid
    fi
  done
  measure clasp1 handshakes "$c1port" $clasp1_pid
done

for kind in handshakes keepalive; do
  a="$WORK/clasp-$kind.txt" b="$WORK/nginx-$kind.txt"
  echo "# load-$kind, per round: req/s ratio $(per_round "$a" "$b" 1), server CPU per request ratio $(per_round "$a" "$b" 2)"
  echo "# load-$kind, medians: clasp used $(median "$a" 4) cores and wrk $(median "$a" 5); nginx $(median "$b" 4), wrk $(median "$b" 5)"
  c=$(median "$a" 1) n=$(median "$b" 1)
  echo "ratio scenario=load-$kind metric=req_s clasp=$c nginx=$n ratio=$(ratio "$c" "$n")"
  c=$(median "$a" 2) n=$(median "$b" 2)
  echo "ratio scenario=load-$kind metric=server_cpu_us_per_req clasp=$c nginx=$n ratio=$(ratio "$c" "$n")"
done

# Scaling: on a 2-core machine wrk (a full OpenSSL client handshake per
# request) needs about as much CPU as the server, so req/s cannot double
# with a second worker; the CPU per handshake shows whether the workers
# get in each other's way (PERFORMANCE.md).
a="$WORK/clasp-handshakes.txt" b="$WORK/clasp1-handshakes.txt"
echo "# load-scaling, medians: 2 workers used $(median "$a" 4) cores (wrk $(median "$a" 5)), 1 worker $(median "$b" 4) (wrk $(median "$b" 5)); req/s ratio per round $(per_round "$a" "$b" 1)"
two=$(median "$a" 1) one=$(median "$b" 1)
echo "ratio scenario=load-scaling metric=req_s workers2=$two workers1=$one ratio=$(ratio "$two" "$one")"
two=$(median "$a" 2) one=$(median "$b" 2)
echo "ratio scenario=load-scaling metric=server_cpu_us_per_req workers2=$two workers1=$one ratio=$(ratio "$two" "$one")"

# Idle connections: RSS growth with 10,000 idle TLS connections (steady
# from run to run, so measured once).
for srv in clasp nginx; do
  port=$cport; pids=$clasp_pid
  [[ $srv == nginx ]] && { port=$nport; pids=$nginx_pid_list; }
  before=$(rss_kb $pids)
  idle_hold "idle-$srv" "$port" 10000
  after=$(rss_kb $pids)
  eval "rss_$srv=$(((after - before) * 1024 / 10000))"
  idle_release "idle-$srv"
done
echo "ratio scenario=load-idle metric=rss_bytes_per_conn clasp=$rss_clasp nginx=$rss_nginx ratio=$(ratio "$rss_clasp" "$rss_nginx")"
finish
