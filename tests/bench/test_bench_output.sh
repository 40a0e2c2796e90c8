#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clasp-bench runs every scenario to the end (exit 0) and prints one
# machine-readable line per figure, in exactly the form outside tools read:
#   ratio scenario=S metric=M clasp=X openssl=Y ratio=X/Y
# and, for tls13-hybrid (clasp only), its extra CPU over tls13-ecdsa
# against the targets:
#   ratio scenario=tls13-hybrid metric=M clasp=X target=T ratio=X/T
# Tiny sizes: this checks the contract and that both libraries complete
# every scenario (under ASan too), not speed.
set -uo pipefail
bench=${CLASP_BENCH:?CLASP_BENCH must name the clasp-bench binary}
out=$("$bench" --rounds 1 --handshakes 3 --bulk-mib 1 --mem-pairs 2 --no-floor 2>&1)
rc=$?
fail=0
if [[ $rc -ne 0 ]]; then
  echo "FAIL - clasp-bench exited $rc"
  echo "$out" | tail -20
  exit 1
fi
echo "ok - clasp-bench exited 0"
expect=(
  "tls13-ecdsa server_cpu_us" "tls13-ecdsa client_cpu_us"
  "tls13-rsa server_cpu_us" "tls13-rsa client_cpu_us"
  "tls13-resume server_cpu_us" "tls13-resume client_cpu_us"
  "tls12-ecdhe-ecdsa server_cpu_us" "tls12-ecdhe-ecdsa client_cpu_us"
  "tls12-rsa-kx server_cpu_us" "tls12-rsa-kx client_cpu_us"
  "tls12-resume server_cpu_us" "tls12-resume client_cpu_us"
  "bulk-aes128gcm server_mb_s" "bulk-aes128gcm client_mb_s"
  "bulk-chacha20 server_mb_s" "bulk-chacha20 client_mb_s"
  "mem idle_server_bytes" "mem pair_bytes"
)
num='[0-9]+(\.[0-9]+)?'
if [[ ${CLASP_BENCH_SANITIZED:-0} == 1 ]] &&
   grep -q '^skip scenario=mem reason=live heap not measurable' <<<"$out"; then
  # A sanitizer's allocator hides the heap from mallinfo2.
  echo "ok - mem skipped under the sanitizer, as it must be"
  expect=("${expect[@]:0:16}")
fi
for e in "${expect[@]}"; do
  s=${e% *} m=${e#* }
  line=$(grep -E "^ratio scenario=$s metric=$m clasp=$num openssl=$num ratio=$num\$" <<<"$out")
  if [[ $(grep -c . <<<"$line") -ne 1 ]]; then
    echo "FAIL - no single well-formed ratio line for $s $m"
    fail=1
    continue
  fi
  # ratio must be clasp/openssl as printed (to the printed precision).
  if ! awk -v l="$line" 'BEGIN { n = split(l, f, /[ =]/); x = f[7]; y = f[9]; r = f[11];
        if (y <= 0 || x <= 0) exit 1; d = x / y - r; if (d < 0) d = -d; exit !(d <= 0.0015 * (r > 1 ? r : 1)) }'; then
    echo "FAIL - ratio is not clasp/openssl: $line"
    fail=1
    continue
  fi
  echo "ok - $s $m"
done
# tls13-hybrid: two lines against the targets (X may be negative with
# these tiny sizes).
for m in extra_server_cpu_us extra_client_cpu_us; do
  line=$(grep -E "^ratio scenario=tls13-hybrid metric=$m clasp=-?$num target=$num ratio=-?$num\$" <<<"$out")
  if [[ $(grep -c . <<<"$line") -ne 1 ]]; then
    echo "FAIL - no single well-formed target line for tls13-hybrid $m"
    fail=1
  elif ! awk -v l="$line" 'BEGIN { n = split(l, f, /[ =]/); x = f[7]; t = f[9]; r = f[11];
        if (t <= 0) exit 1; d = x / t - r; if (d < 0) d = -d; exit !(d <= 0.0015 * (r > 1 || r < -1 ? (r < 0 ? -r : r) : 1)) }'; then
    echo "FAIL - ratio is not clasp/target: $line"
    fail=1
  else
    echo "ok - tls13-hybrid $m"
  fi
done
n=$(grep -c '^ratio ' <<<"$out")
n=$((n - 2))
if [[ $n -ne ${#expect[@]} ]]; then
  echo "FAIL - $n ratio lines, expected ${#expect[@]}"
  fail=1
fi
exit $fail
