#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (clang, ASan+UBSan) into build-fuzz/, replays
# every file in fuzz/regressions/<target>/, then fuzzes each target.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
#   SECONDS  fuzzing time per target (default 30). 0: no fuzzing; replay the
#            committed corpus and the regressions once (a quick check).
#   TARGET   fuzz_server fuzz_client fuzz_record fuzz_certload fuzz_session
#            (default: all)
#
# Each run works on a scratch copy of fuzz/corpus/<target> in
# build-fuzz/run/<target>/, so the repository does not change; crashes are
# written to build-fuzz/artifacts/<target>/. FUZZ_ARGS adds libFuzzer
# options (e.g. FUZZ_ARGS="-jobs=4 -workers=4"). Exits non-zero if any
# regression or fuzzing run fails. See docs/FUZZING.md.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "fuzz.sh: error: $*" >&2; exit 2; }

all_targets=(fuzz_server fuzz_client fuzz_record fuzz_certload fuzz_session)
seconds=30
if [[ $# -gt 0 ]]; then
  case $1 in
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*) ;; # a target name
    *) seconds=$1; shift ;;
  esac
fi
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || die "unknown target '$t' (targets: ${all_targets[*]})"
done

# clang with libFuzzer: on Debian the runtime is in libclang-rt-<N>-dev,
# which clang only recommends.
command -v clang >/dev/null 2>&1 || die "clang not found (Debian: apt-get install clang)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
  cat "$probe/err" >&2
  ver=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
  die "clang cannot link libFuzzer; on Debian/Ubuntu: apt-get install libclang-rt-${ver:-N}-dev"
fi

jobs=$(nproc 2>/dev/null || echo 2)
echo "==== build (build-fuzz/)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCLASP_FUZZ=ON -DCLASP_BUILD_TESTS=OFF \
  -DCLASP_SANITIZE=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || die "cmake configure failed"
cmake --build build-fuzz --target "${targets[@]}" make_seeds -j "$jobs" || die "build failed"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-rss_limit_mb=2048 -timeout=10)
declare -a summary=()
failed=0

# Do the recorded handshakes still replay to the end? (If not, a change to
# what clasp sends made them stale: fuzzing still works, but less deep.)
if build-fuzz/fuzz/make_seeds --check fuzz/corpus >build-fuzz/seed-check.log 2>&1; then
  summary+=("seeds: the recorded handshakes replay as expected")
else
  summary+=("seeds: WARNING: some recorded handshakes no longer replay to the end (build-fuzz/seed-check.log); regenerate them: docs/FUZZING.md")
  grep UNEXPECTED build-fuzz/seed-check.log >&2
fi

for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz/$t
  art=build-fuzz/artifacts/$t
  mkdir -p "$art"

  # Regressions: each file once, with no workarounds for known bugs.
  n_reg=0 bad_reg=0
  if [[ -d fuzz/regressions/$t ]]; then
    while IFS= read -r -d '' f; do
      n_reg=$((n_reg + 1))
      if ! CLASP_FUZZ_STRICT=1 "$bin" "${common[@]}" "$f" >"$art/regression.log" 2>&1; then
        bad_reg=$((bad_reg + 1))
        echo "fuzz.sh: $t: regression FAILED: $f" >&2
        grep -E "ERROR|runtime error|SUMMARY|check failed|fuzz:" "$art/regression.log" | head -5 >&2
      fi
    done < <(find "fuzz/regressions/$t" -type f ! -name '.*' ! -name '*.md' -print0 | sort -z)
  fi
  if ((bad_reg)); then
    failed=1
    summary+=("$t: regressions: $bad_reg of $n_reg FAILED")
  else
    summary+=("$t: regressions: $n_reg ok")
  fi

  # The committed corpus in a scratch directory.
  run=build-fuzz/run/$t
  rm -rf "$run"
  mkdir -p "$run"
  cp -r "fuzz/corpus/$t/." "$run/" 2>/dev/null || true
  log=build-fuzz/run/$t.log
  if ((seconds == 0)); then
    echo "==== $t: replaying the corpus"
    if "$bin" "${common[@]}" -runs=0 "$run" >"$log" 2>&1; then
      summary+=("$t: corpus replay ok ($(ls "$run" | wc -l) inputs)")
    else
      failed=1
      summary+=("$t: corpus replay FAILED (log: $log)")
      tail -30 "$log" >&2
    fi
    continue
  fi
  echo "==== $t: fuzzing for $seconds s (log: $log)"
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
  "$bin" "${common[@]}" -max_total_time="$seconds" -artifact_prefix="$art/" -print_final_stats=1 \
    ${FUZZ_ARGS:-} "$run" >"$log" 2>&1
  rc=$?
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$stats")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$stats")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if ((rc != 0)); then
    failed=1
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    summary+=("$t: FAILED after ${execs:-?} runs: ${crash:-see $log}")
    echo "fuzz.sh: $t failed; the end of $log:" >&2
    tail -40 "$log" >&2
  else
    summary+=("$t: ok: ${execs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$run" | wc -l)")
  fi
done

echo
echo "==== summary"
printf '  %s\n' "${summary[@]}"
if ((failed)); then
  echo "fuzz.sh: FAILED. To keep a crash as a regression: cp build-fuzz/artifacts/<target>/crash-* fuzz/regressions/<target>/<name> (see docs/FUZZING.md)"
  exit 1
fi
echo "fuzz.sh: all ok"
