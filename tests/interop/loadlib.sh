# SPDX-License-Identifier: Apache-2.0
# Helpers for the load test (test_server_load.sh) and the load benchmark
# (bench/load.sh): clasp server and nginx side by side, same ECDSA P-256
# certificate, TLS 1.3, the same number of workers, nginx with session
# tickets and its session cache off. Source after lib.sh.

LOADPEER="$INTEROP_DIR/loadpeer.py"

# load_cert DIR: DIR/cert.pem and DIR/key.pem, ECDSA P-256, for localhost.
load_cert() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$1/key.pem" 2>/dev/null &&
    openssl req -x509 -new -key "$1/key.pem" -out "$1/cert.pem" -days 2 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost 2>/dev/null
}

# start_load_clasp NAME PORT WORKERS [ARGS...]: clasp server --www, quiet,
# no tickets (as nginx below: wrk resumes whatever session it is offered,
# so with tickets clasp would answer resumptions where nginx does full
# handshakes).
start_load_clasp() {
  local name=$1 port=$2 workers=$3
  shift 3
  start_clasp_server "$name" "$port" --www --quiet --tls1.3 --no-resumption --workers "$workers" \
    --cert "$WORK/cert.pem" --key "$WORK/key.pem" "$@"
}

# start_load_nginx NAME PORT WORKERS: nginx in the foreground with its own
# prefix under $WORK/NAME, answering every request with a short page.
start_load_nginx() {
  local name=$1 port=$2 workers=$3 dir="$WORK/$1"
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $workers;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 16000; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.3;
    ssl_session_tickets off;
    ssl_session_cache off;
    default_type text/plain;
    location / { return 200 "nginx\nrequest: \$request\nhandshake: version=\$ssl_protocol cipher=\$ssl_cipher group=\$ssl_curves\n"; }
  }
}
EOF
  start_bg "$name" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
  wait_port "$port" 10
}

# wrk_run OUT URL [WRK ARGS...]: wrk with a latency-free summary in OUT.
wrk_run() {
  local out=$1 url=$2
  shift 2
  run_timeout 60 wrk "$@" "$url" >"$out" 2>&1
}

wrk_rps() { awk '/^Requests\/sec:/ { printf "%d", $2 }' "$1"; } # wrk_rps OUT

# wrk_bad OUT: socket errors, timeouts and non-2xx/3xx answers, summed.
wrk_bad() {
  awk '/Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
       /Non-2xx or 3xx responses:/ { n += $5 }
       END { print n + 0 }' "$1"
}

# rss_kb PID...: resident memory of the processes, summed, in KiB.
rss_kb() {
  local total=0 p v
  for p in "$@"; do
    v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# clasp_sanitized: the clasp binary is an ASan build (its quarantine keeps
# freed memory resident, so its RSS says nothing about clasp's).
clasp_sanitized() { grep -qa __asan_init "$CLASP"; }

# cpu_ticks PID...: user + system CPU of the processes (all their threads),
# summed, in clock ticks (getconf CLK_TCK a second).
cpu_ticks() {
  local total=0 p v
  for p in "$@"; do
    # Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# children_cpu_ms: sets CHILDREN_CPU_MS to the user + system CPU of this
# shell's finished children. Call it directly, not in $(...): a subshell
# would count its own children.
children_cpu_ms() {
  times >"$WORK/.times"
  CHILDREN_CPU_MS=$(awk 'NR == 2 { t = 0
    for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60000 + a[2] * 1000 }
    printf "%d", t }' "$WORK/.times")
}

# nginx_pids NAME: the master and its workers.
nginx_pids() {
  local master
  master=$(cat "$WORK/$1/nginx.pid" 2>/dev/null) || return
  echo "$master" $(pgrep -P "$master")
}

# idle_hold NAME PORT N: starts loadpeer idle with N connections (stdin a
# fifo kept open in IDLE_FD), waits up to 120 s for its "ready" line.
idle_hold() {
  local name=$1 port=$2 n=$3
  shift 3
  local fifo="$WORK/$name.fifo"
  rm -f "$fifo"
  mkfifo "$fifo"
  setsid python3 "$LOADPEER" idle 127.0.0.1 "$port" "$n" "$@" <"$fifo" >"$WORK/$name.log" 2>&1 &
  BG_PIDS+=("$!")
  BG_NAME_PID[$name]=$!
  exec {IDLE_FD}>"$fifo"
  wait_log "$WORK/$name.log" "ready" 120
}

# idle_release NAME: ends what idle_hold started.
idle_release() {
  exec {IDLE_FD}>&-
  wait_exit "$1" 20 || stop_bg "$1"
}
