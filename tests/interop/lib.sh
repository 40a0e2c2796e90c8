# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the interop tests. Sourced by every test_*.sh:
#
#   source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
#
# Environment (set by ctest, see tests/CMakeLists.txt):
#   CLASP           path of the clasp binary (default: build/clasp)
#   CLASP_SCRATCH   scratch directory; each test makes its own WORK under it
#   CLASP_KEEP_SCRATCH=1   keep WORK after the test (for debugging)
#
# Every check prints one line, "ok - ..." or "FAIL - ...", and `finish`
# prints "N passed, N failed" and exits 1 if anything failed. Every wait is
# bounded, and every background process is killed on exit.

set -uo pipefail
# A peer that dies early must not kill the test with SIGPIPE.
trap '' PIPE

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INTEROP_DIR/../.." && pwd)
CLASP=${CLASP:-$REPO_ROOT/build/clasp}
CLASP_SCRATCH=${CLASP_SCRATCH:-${TMPDIR:-/tmp}}
export RAWPEER="$INTEROP_DIR/rawpeer.py"
TEST_NAME=$(basename "${0%.sh}")

mkdir -p "$CLASP_SCRATCH"
WORK=$(mktemp -d "$CLASP_SCRATCH/$TEST_NAME.XXXXXX")
export WORK

PASSED=0
FAILED=0
declare -a BG_PIDS=()
declare -A BG_NAME_PID=()

# ------------------------------------------------------------------ results

pass() { # pass DESC
  PASSED=$((PASSED + 1))
  echo "ok - $1"
}

fail() { # fail DESC [FILE...]: FILEs' tails are shown to explain the failure
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
  shift
  local f
  for f in "$@"; do
    [[ -f $f ]] || continue
    echo "  --- last lines of $(basename "$f"):"
    tail -n 20 "$f" | sed 's/^/  | /'
  done
}

check() { # check DESC CMD...: pass if CMD succeeds
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

expect_contains() { # expect_contains FILE STRING DESC: fixed string, case-sensitive
  if [[ -f $1 ]] && grep -qF -- "$2" "$1"; then
    pass "$3"
  else
    fail "$3 (expected '$2' in $(basename "$1"))" "$1"
  fi
}

expect_contains_i() { # expect_contains_i FILE STRING DESC: case-insensitive
  if [[ -f $1 ]] && grep -qiF -- "$2" "$1"; then
    pass "$3"
  else
    fail "$3 (expected '$2', any case, in $(basename "$1"))" "$1"
  fi
}

expect_not_contains() { # expect_not_contains FILE STRING DESC
  if [[ -f $1 ]] && ! grep -qF -- "$2" "$1"; then
    pass "$3"
  else
    fail "$3 (did not expect '$2' in $(basename "$1"))" "$1"
  fi
}

expect_status() { # expect_status ACTUAL WANT DESC [FILE...]; WANT: 0, nonzero, or a number
  local actual=$1 want=$2 desc=$3
  shift 3
  local good=0
  case $want in
    nonzero) [[ $actual -ne 0 ]] && good=1 ;;
    *) [[ $actual -eq $want ]] && good=1 ;;
  esac
  # 124 is timeout(1)'s "timed out": never a pass for "nonzero".
  if ((good)) && ! [[ $want == nonzero && $actual -eq 124 ]]; then
    pass "$desc"
  else
    fail "$desc (exit status $actual, wanted $want)" "$@"
  fi
}

finish() { # prints the totals and exits 1 if any check failed
  # A sanitizer report anywhere (ASan/UBSan build) fails the test.
  local f
  for f in "$WORK"/*.log "$WORK"/*.out "$WORK"/*.err; do
    [[ -f $f ]] || continue
    sanitizer_clean "$f" || fail "sanitizer report in $(basename "$f")" "$f"
  done
  if ((FAILED > 0)) && [[ ${CLASP_KEEP_SCRATCH:-0} != 1 ]]; then
    echo "(run with CLASP_KEEP_SCRATCH=1 to keep every log of this test)"
  fi
  echo
  echo "$PASSED passed, $FAILED failed"
  if ((FAILED > 0 || PASSED == 0)); then exit 1; fi
  exit 0
}

# ---------------------------------------------------------------- arguments

# split_args SERVER CLIENT ARGS...: the words of ARGS before a "--" go to the
# array named SERVER, those after it to the array named CLIENT (the shape of
# every *_case helper: "case NAME [server args...] -- [client args...]").
split_args() {
  local -n _split_s=$1 _split_c=$2
  shift 2
  _split_s=()
  while (($#)) && [[ $1 != -- ]]; do _split_s+=("$1"); shift; done
  (($#)) && shift
  _split_c=("$@")
}

# add_default ARRAY FLAG VALUE...: appends FLAG VALUE... to the array named
# ARRAY unless it already holds FLAG (a default certificate, say).
add_default() {
  local -n _default_a=$1
  local flag=$2 word
  shift
  for word in "${_default_a[@]}"; do [[ $word == "$flag" ]] && return 0; done
  _default_a+=("$@")
}

# ---------------------------------------------------------------- processes

run_timeout() { # run_timeout SECONDS CMD...: TERM after SECONDS, KILL 2 s later
  local secs=$1
  shift
  timeout -k 2 "$secs" "$@"
}

start_bg() { # start_bg NAME CMD...: output to $WORK/NAME.log; pid in BG_NAME_PID[NAME]
  local name=$1
  shift
  # Its own session, so cleanup can end it together with its children.
  setsid "$@" </dev/null >"$WORK/$name.log" 2>&1 &
  local pid=$!
  BG_PIDS+=("$pid")
  BG_NAME_PID[$name]=$pid
}

bg_pid() { echo "${BG_NAME_PID[$1]:-}"; } # bg_pid NAME

_kill_tree() { # _kill_tree SIG PID: the process's group (it is a session leader) and itself
  kill "-$1" -- "-$2" 2>/dev/null
  kill "-$1" "$2" 2>/dev/null
}

stop_bg() { # stop_bg NAME: TERM, then KILL after 2 s
  local pid=${BG_NAME_PID[$1]:-}
  [[ -n $pid ]] || return 0
  _kill_tree TERM "$pid"
  local i
  for ((i = 0; i < 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  _kill_tree KILL "$pid"
  wait "$pid" 2>/dev/null
  return 0
}

wait_exit() { # wait_exit NAME [SECONDS]: waits for a background process to end;
  # status: its exit status, or 124 if it is still running after SECONDS (default 10)
  local pid=${BG_NAME_PID[$1]:-} secs=${2:-10}
  [[ -n $pid ]] || return 127
  local deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then return 124; fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null
}

is_running() { kill -0 "${BG_NAME_PID[$1]:-0}" 2>/dev/null; } # is_running NAME

cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do _kill_tree TERM "$pid"; done
  local i alive
  for ((i = 0; i < 20; i++)); do
    alive=0
    for pid in "${BG_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${BG_PIDS[@]}"; do _kill_tree KILL "$pid"; done
  wait 2>/dev/null
  if [[ ${CLASP_KEEP_SCRATCH:-0} == 1 ]]; then
    echo "(kept $WORK${D13_WORK:+ and $D13_WORK})"
  else
    rm -rf "$WORK"
    [[ -n ${D13_WORK:-} ]] && rm -rf "$D13_WORK"
  fi
}
trap cleanup EXIT

# ------------------------------------------------------------------ network

free_port() { # prints a TCP port on 127.0.0.1 that was free a moment ago
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

wait_port() { # wait_port PORT [SECONDS]: until 127.0.0.1:PORT accepts (default 10 s)
  # Note: this connects, which a server started with --count / -naccept
  # counts as a connection; use wait_log for those.
  local port=$1 secs=${2:-10}
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

wait_log() { # wait_log FILE STRING [SECONDS]: until FILE contains STRING (default 10 s)
  local file=$1 str=$2 secs=${3:-10}
  local deadline=$((SECONDS + secs))
  while ((SECONDS < deadline)); do
    [[ -f $file ]] && grep -qF -- "$str" "$file" && return 0
    sleep 0.1
  done
  return 1
}

# start_clasp_server NAME PORT ARGS...: starts `clasp server --port PORT ARGS`
# and waits until it says it is listening. Status 1 if it did not.
start_clasp_server() {
  local name=$1 port=$2
  shift 2
  start_bg "$name" "$CLASP" server --port "$port" "$@"
  if wait_log "$WORK/$name.log" "listening on port" 10; then return 0; fi
  echo "  (clasp server '$name' did not report 'listening on port' within 10 s)"
  return 1
}

# start_s_server NAME PORT ARGS...: starts `openssl s_server -accept PORT ARGS`
# and waits until it prints ACCEPT. Status 1 if it did not.
start_s_server() {
  local name=$1 port=$2
  shift 2
  start_bg "$name" openssl s_server -accept "127.0.0.1:$port" "$@"
  if wait_log "$WORK/$name.log" "ACCEPT" 10; then return 0; fi
  echo "  (openssl s_server '$name' did not print ACCEPT within 10 s)"
  return 1
}

# client_echo NAME TEXT CMD...: runs CMD (a client such as openssl s_client
# or gnutls-cli that sends its stdin and prints what it receives), sends TEXT
# and a newline, waits (max 10 s) until TEXT comes back, then closes stdin so
# the client closes the connection. Output in $WORK/NAME.out; status is the
# client's (124 if it had to be killed after 20 s).
client_echo() {
  local name=$1 text=$2
  shift 2
  local fifo="$WORK/$name.fifo" out="$WORK/$name.out"
  rm -f "$fifo"
  mkfifo "$fifo"
  : >"$out"
  run_timeout 20 "$@" <"$fifo" >"$out" 2>&1 &
  local pid=$!
  local fd
  exec {fd}>"$fifo"
  printf '%s\n' "$text" 1>&"$fd" 2>/dev/null
  # The reply is the first copy of TEXT in the output (neither s_client nor
  # gnutls-cli prints what it sends).
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    grep -qF -- "$text" "$out" && break
    sleep 0.1
  done
  exec {fd}>&-
  wait "$pid"
}

# client_dialog NAME SCRIPT CMD...: like client_echo, for several steps.
# SCRIPT has one step a line: "send TEXT" writes TEXT and a newline to CMD's
# stdin; "wait TEXT" waits (max 10 s) until TEXT is in CMD's output, and
# stops the dialog if it never comes. Then stdin is closed. Output in
# $WORK/NAME.out; status is CMD's, or 125 if a wait timed out.
client_dialog() {
  local name=$1 script=$2
  shift 2
  local fifo="$WORK/$name.fifo" out="$WORK/$name.out"
  rm -f "$fifo"
  mkfifo "$fifo"
  : >"$out"
  run_timeout 30 "$@" <"$fifo" >"$out" 2>&1 &
  local pid=$!
  local fd op arg deadline ok=1
  exec {fd}>"$fifo"
  while IFS= read -r line; do
    op=${line%% *}
    arg=${line#* }
    case $op in
      send) printf '%s\n' "$arg" 1>&"$fd" 2>/dev/null ;;
      wait)
        deadline=$((SECONDS + 10))
        until grep -qF -- "$arg" "$out"; do
          if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
            # CMD may have printed TEXT and exited between the grep and
            # this check (a server that closes after its answer): look once
            # more before calling the wait failed.
            grep -qF -- "$arg" "$out" || ok=0
            break
          fi
          sleep 0.1
        done
        ;;
    esac
    ((ok)) || break
  done <<<"$script"
  exec {fd}>&-
  wait "$pid"
  local st=$?
  ((ok)) || return 125
  return $st
}

# s_client_echo NAME TEXT ARGS...: client_echo with `openssl s_client ARGS`.
# -nocommands: otherwise a chunk of stdin that starts with Q, R, K or k is a
# command to s_client (quit, renegotiate, key update), not data.
s_client_echo() {
  local name=$1 text=$2
  shift 2
  client_echo "$name" "$text" openssl s_client -nocommands "$@"
}

# ------------------------------------------------------------------- clasp

# clasp_client NAME ARGS...: runs `clasp client ARGS` for at most 20 s, with
# stdout in $WORK/NAME.out and stderr in $WORK/NAME.err; status is clasp's
# (124 if it had to be killed).
clasp_client() {
  local name=$1
  shift
  run_timeout 20 "$CLASP" client "$@" </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
}

# hs_has FILE KEY VALUE: some "handshake:" line in FILE has the field KEY=VALUE.
hs_has() {
  [[ -f $1 ]] && awk -v want="$2=$3" '
    /handshake:/ { for (i = 1; i <= NF; i++) if ($i == want) found = 1 }
    END { exit !found }' "$1"
}

# expect_hs FILE KEY VALUE DESC: check that a handshake line says KEY=VALUE.
expect_hs() {
  if hs_has "$1" "$2" "$3"; then
    pass "$4"
  else
    fail "$4 (expected $2=$3 in a 'handshake:' line of $(basename "$1"))" "$1"
  fi
}

# sanitizer_clean FILE: FILE has no AddressSanitizer/UBSan/LeakSanitizer report.
sanitizer_clean() {
  ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$1" 2>/dev/null
}

# expect_clean_exit NAME DESC [SECONDS]: the background process NAME ends by
# itself within SECONDS (default 10), not by a signal, with no sanitizer report.
expect_clean_exit() {
  local name=$1 desc=$2 secs=${3:-10} st
  wait_exit "$name" "$secs"
  st=$?
  if ((st == 124)); then
    fail "$desc (still running after $secs s)" "$WORK/$name.log"
    stop_bg "$name"
  elif ((st >= 128)); then
    fail "$desc (killed by signal $((st - 128)))" "$WORK/$name.log"
  elif ! sanitizer_clean "$WORK/$name.log"; then
    fail "$desc (sanitizer report in the log)" "$WORK/$name.log"
  else
    pass "$desc"
  fi
}

# --------------------------------------------------------------------- PKI

# make_pki DIR: a throw-away PKI, made with the openssl CLI:
#   ca.pem/ca.key                 the trusted test CA (ECDSA P-256)
#   rsa.pem/rsa.key               server leaf, RSA-2048     } DNS:localhost,
#   ecdsa.pem/ecdsa.key           server leaf, ECDSA P-256 } IP:127.0.0.1
#   ed25519.pem/ed25519.key       server leaf, Ed25519     }
#   expired.pem/expired.key       ECDSA leaf that expired in 2021
#   untrusted-ca.pem/.key         a second CA that nobody trusts
#   untrusted.pem/untrusted.key   server leaf signed by the untrusted CA
#   client.pem/client.key         client certificate (clientAuth) from ca.pem
#   badclient.pem/badclient.key   client certificate from the untrusted CA
# Status 0, or 1 with the openssl output in DIR/pki.log.
make_pki() {
  local dir=$1
  mkdir -p "$dir"
  (
    set -e
    cd "$dir"
    exec >pki.log 2>&1

    cat >ext.cnf <<'EOF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

    newkey() { # newkey TYPE FILE
      case $1 in
        rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
        ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
        ed25519) openssl genpkey -algorithm ED25519 -out "$2" ;;
      esac
    }
    mkca() { # mkca NAME CN
      newkey ecdsa "$1.key"
      openssl req -new -x509 -key "$1.key" -out "$1.pem" -days 3650 -sha256 \
        -subj "/O=clasp tests/CN=$2" -config ext.cnf -extensions ca_ext
    }
    leaf() { # leaf NAME TYPE CA EXT CN
      newkey "$2" "$1.key"
      openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=clasp tests/CN=$5"
      openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 825 -sha256 \
        -extfile ext.cnf -extensions "$4" -out "$1.pem"
      rm -f "$1.csr"
    }

    mkca ca "clasp test CA"
    mkca untrusted-ca "clasp untrusted CA"
    leaf rsa rsa ca server_ext localhost
    leaf ecdsa ecdsa ca server_ext localhost
    leaf ed25519 ed25519 ca server_ext localhost
    leaf untrusted ecdsa untrusted-ca server_ext localhost
    leaf client ecdsa ca client_ext "clasp test client"
    leaf badclient ecdsa untrusted-ca client_ext "clasp bad client"

    # Expired: `openssl x509` in OpenSSL 3.0 cannot back-date, `openssl ca` can.
    newkey ecdsa expired.key
    openssl req -new -key expired.key -out expired.csr -subj "/O=clasp tests/CN=localhost"
    mkdir -p ca-db
    : >ca-db/index.txt
    openssl rand -hex 8 >ca-db/serial
    cat >ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = ca-db
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
EOF
    cat ext.cnf >>ca.cnf
    openssl ca -batch -config ca.cnf -extfile ext.cnf -extensions server_ext \
      -startdate 20200101000000Z -enddate 20210101000000Z \
      -notext -in expired.csr -out expired.pem
    rm -rf expired.csr ca-db ca.cnf

    # Sanity: the good ones verify, the bad ones do not.
    for c in rsa ecdsa ed25519; do
      openssl verify -CAfile ca.pem -purpose sslserver "$c.pem"
    done
    openssl verify -CAfile ca.pem -purpose sslclient client.pem
    for c in untrusted badclient; do
      if openssl verify -CAfile ca.pem "$c.pem"; then exit 1; fi
    done
    if openssl verify -CAfile ca.pem expired.pem >expired.txt 2>&1; then exit 1; fi
    grep -q "certificate has expired" expired.txt
    rm -f expired.txt
  ) || {
    echo "make_pki: failed; openssl said:" >&2
    tail -n 20 "$dir/pki.log" >&2
    return 1
  }
}

# need_clasp: fails the test at once (with a clear line) if the binary is missing.
need_clasp() {
  if [[ ! -x $CLASP ]]; then
    fail "clasp binary not found at '$CLASP' (build it with scripts/build.sh)"
    finish
  fi
}

# need_tools PACKAGES TOOL...: every TOOL is on the PATH, or the test fails
# at once, naming the Debian PACKAGES that scripts/setup.sh installs.
need_tools() {
  local packages=$1 tool
  shift
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      fail "$tool not installed ($packages): run scripts/setup.sh"
      finish
    fi
  done
}

# --------------------------------------------------------- TLS 1.2 helpers

# make_leaf DIR NAME TYPE [client]: after make_pki DIR, one more leaf,
# DIR/NAME.pem and DIR/NAME.key, issued by DIR/ca.pem: a server certificate
# for localhost and 127.0.0.1, or with "client" a client certificate.
# TYPE: ecdsa384 (P-384), ecdsa (P-256), rsa (2048), ed25519.
# Status 0, or 1 with the openssl output in DIR/NAME.log.
make_leaf() {
  local dir=$1 name=$2 type=$3 ext=server_ext purpose=sslserver cn=localhost
  if [[ ${4:-} == client ]]; then ext=client_ext purpose=sslclient cn="clasp test client $name"; fi
  (
    set -e
    cd "$dir"
    exec >"$name.log" 2>&1
    case $type in
      ecdsa384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$name.key" ;;
      ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" ;;
      rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" ;;
      ed25519) openssl genpkey -algorithm ED25519 -out "$name.key" ;;
      *) echo "make_leaf: unknown key type '$type'"; exit 1 ;;
    esac
    openssl req -new -key "$name.key" -out "$name.csr" -subj "/O=clasp tests/CN=$cn"
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key \
      -set_serial "0x$(openssl rand -hex 8)" -days 825 -sha256 \
      -extfile ext.cnf -extensions "$ext" -out "$name.pem"
    rm -f "$name.csr"
    openssl verify -CAfile ca.pem -purpose "$purpose" "$name.pem"
  ) || {
    echo "make_leaf: failed; openssl said:" >&2
    tail -n 20 "$dir/$name.log" >&2
    return 1
  }
}

# trace_messages FILE: the handshake messages of a `clasp --trace` ladder in
# FILE, in the order drawn, on one line ("ClientHello ServerHello ...").
trace_messages() {
  [[ -f $1 ]] || return 0
  sed -nE 's/^ *\|<?-+ ([A-Za-z]+) -+>?\|.*/\1/p' "$1" | tr '\n' ' ' | sed 's/ $//'
}

# expect_trace FILE WANT DESC: the messages of the --trace ladder in FILE
# begin with WANT (space-separated message names, as trace_messages prints).
expect_trace() {
  local got
  got=$(trace_messages "$1")
  if [[ "$got " == "$2 "* ]]; then
    pass "$3"
  else
    fail "$3 (ladder: '$got'; wanted it to begin with '$2')" "$1"
  fi
}

# expect_trace_text FILE TEXT DESC: the details of a --trace ladder in FILE
# contain TEXT, across the ladder's line wrapping (runs of spaces and '|'
# count as one space).
expect_trace_text() {
  if [[ -f $1 ]] && tr '\n' ' ' <"$1" | tr -s ' |' ' ' | grep -qF -- "$2"; then
    pass "$3"
  else
    fail "$3 (expected '$2' in the --trace ladder of $(basename "$1"))" "$1"
  fi
}

# ossl_msg_has FILE MSG STRING: in `openssl s_client/s_server -trace` output,
# the body of some handshake message MSG (e.g. ServerHello) contains STRING.
ossl_msg_has() {
  [[ -f $1 ]] && awk -v msg="$2" -v want="$3" '
    /^ +[A-Za-z]+, Length=[0-9]+/ { inmsg = ($1 == msg ",") ; next }
    /^(Sent|Received) Record/ { inmsg = 0 }
    inmsg && index($0, want) { found = 1 }
    END { exit !found }' "$1"
}

# expect_ossl_msg FILE MSG STRING DESC: check ossl_msg_has.
expect_ossl_msg() {
  if ossl_msg_has "$1" "$2" "$3"; then
    pass "$4"
  else
    fail "$4 (expected '$3' in a $2 of the -trace output $(basename "$1"))" "$1"
  fi
}

# clasp_error_matches FILE REGEX: a "clasp: error:" line in FILE matches the
# extended REGEX (any case).
clasp_error_matches() {
  grep -s "clasp: error:" "$1" | grep -qiE -- "$2"
}

# expect_clasp_error FILE REGEX DESC: check clasp_error_matches.
expect_clasp_error() {
  if clasp_error_matches "$1" "$2"; then
    pass "$3"
  else
    fail "$3 (expected a 'clasp: error:' line matching /$2/ in $(basename "$1"))" "$1"
  fi
}

# ------------------------------------------------------ resumption helpers

# hs_count FILE: prints how many "handshake:" lines FILE has.
hs_count() {
  local n=0
  [[ -f $1 ]] && n=$(grep -c "handshake:" "$1")
  echo "$n"
}

# hs_nth_has FILE N KEY VALUE: the Nth "handshake:" line of FILE (from 1)
# has the field KEY=VALUE.
hs_nth_has() {
  [[ -f $1 ]] && awk -v n="$2" -v want="$3=$4" '
    /handshake:/ {
      seen++
      if (seen == n) for (i = 1; i <= NF; i++) if ($i == want) found = 1
    }
    END { exit !found }' "$1"
}

# expect_hs_nth FILE N KEY VALUE DESC: check hs_nth_has.
expect_hs_nth() {
  if hs_nth_has "$1" "$2" "$3" "$4"; then
    pass "$5"
  else
    fail "$5 (expected $3=$4 in 'handshake:' line $2 of $(basename "$1"))" "$1"
  fi
}

# s_client_field FILE FIELD: prints the value of "FIELD:" in the SSL-Session
# block of `openssl s_client` output (e.g. Master-Key, Session-ID); the
# first one if there are several.
s_client_field() {
  [[ -f $1 ]] && awk -v f="$2:" '
    $1 == f { sub(/^[ \t]*[^:]*:[ \t]*/, ""); print; exit }' "$1"
}

# ------------------------------------------------- Debian 13 peers (chroot)

# A Debian 13 tree (scripts/debian13.sh makes it; scripts/test.sh exports
# DEBIAN13_ROOT) gives OpenSSL 3.5 and GnuTLS 3.8 as peers. Its programs run
# with chroot: they share this machine's network, so they reach clasp on
# 127.0.0.1, and see files only inside the tree. D13_WORK is this test's
# folder in the tree's /tmp (removed on exit); D13_DIR is the same folder
# as the chrooted programs see it.
DEBIAN13_ROOT=${DEBIAN13_ROOT:-$REPO_ROOT/build/debian13}
D13_WORK=
D13_DIR=
# D13: the command prefix that runs a program inside the tree with a clean
# environment (nothing of ours, such as OPENSSL_CONF or LD_PRELOAD, leaks
# in); usable where a command is expected ("${D13[@]}" openssl version).
D13=(chroot "$DEBIAN13_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8)

# need_debian13: the tree is there and usable, or the test fails at once
# with a clear line. Then makes D13_WORK.
need_debian13() {
  if [[ ! -x $DEBIAN13_ROOT/usr/bin/openssl || ! -x $DEBIAN13_ROOT/usr/bin/gnutls-cli ]]; then
    fail "no Debian 13 tree at '$DEBIAN13_ROOT' (make it with scripts/debian13.sh, or set DEBIAN13_ROOT)"
    finish
  fi
  if [[ $(id -u) -ne 0 ]]; then
    fail "the Debian 13 peers run with chroot, which needs root"
    finish
  fi
  D13_WORK=$(mktemp -d "$DEBIAN13_ROOT/tmp/clasp-$TEST_NAME.XXXXXX") || {
    fail "could not make a folder in $DEBIAN13_ROOT/tmp"
    finish
  }
  chmod 755 "$D13_WORK"
  D13_DIR=/tmp/$(basename "$D13_WORK")
}

d13() { "${D13[@]}" "$@"; } # d13 CMD...: runs CMD inside the tree

# d13_copy FILE...: copies FILEs into D13_WORK (as D13_DIR/NAME inside).
d13_copy() {
  cp "$@" "$D13_WORK/"
}

# d13_start_s_server NAME PORT ARGS...: `openssl s_server` (3.5) from the
# tree on 127.0.0.1:PORT, started like start_s_server.
d13_start_s_server() {
  local name=$1 port=$2
  shift 2
  start_bg "$name" "${D13[@]}" openssl s_server -accept "127.0.0.1:$port" "$@"
  if wait_log "$WORK/$name.log" "ACCEPT" 10; then return 0; fi
  echo "  (Debian 13 openssl s_server '$name' did not print ACCEPT within 10 s)"
  return 1
}

# d13_s_client_echo NAME TEXT ARGS...: s_client_echo with the tree's
# `openssl s_client` (3.5).
d13_s_client_echo() {
  local name=$1 text=$2
  shift 2
  client_echo "$name" "$text" "${D13[@]}" openssl s_client -nocommands "$@"
}

# d13_start_gnutls_serv NAME PORT ARGS...: the tree's `gnutls-serv` (3.8)
# on PORT; waits until the port accepts connections.
d13_start_gnutls_serv() {
  local name=$1 port=$2
  shift 2
  start_bg "$name" "${D13[@]}" gnutls-serv --port "$port" "$@"
  if wait_log "$WORK/$name.log" "listening on IPv4" 10; then return 0; fi
  echo "  (Debian 13 gnutls-serv '$name' did not start listening within 10 s)"
  return 1
}
