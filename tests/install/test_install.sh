#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# install.consume: clasp as a project that uses it sees it.
#   1. `cmake --install` into a scratch prefix puts there the header, both
#      libraries, clasp.pc, the CMake package, the tool and its man page;
#   2. the examples build against that prefix with pkg-config (shared and
#      static) and with find_package (clasp::clasp, clasp::clasp_static);
#   3. a project that pulls clasp in with add_subdirectory builds them too,
#      without clasp's tests, tool or benchmark, and without src/ on its
#      include path;
#   4. every https_get and uv_client built fetches a page from a real peer,
#      openssl s_server on 127.0.0.1, verifying its certificate, and every
#      epoll_server echoes a line to openssl s_client; the shared ones
#      really use the installed libclasp.so, the static ones none.
# The examples' own tests (tests/examples, ctest example.*) go further.
# Environment (tests/CMakeLists.txt): CLASP_BUILD_DIR, CLASP_SOURCE_DIR,
# CLASP_C_COMPILER, CLASP_SANITIZED (1 in the ASan+UBSan build).
source "${CLASP_TEST_LIB:-$(dirname "$0")/../interop/lib.sh}"
need_tools "openssl pkg-config cmake man-db" openssl pkg-config cmake man
pkg-config --exists libuv || { fail "libuv's pkg-config file is missing (libuv1-dev): run scripts/setup.sh"; finish; }
pkg-config --exists hiredis || { fail "hiredis's pkg-config file is missing (libhiredis-dev): run scripts/setup.sh"; finish; }

src=${CLASP_SOURCE_DIR:?}
build=${CLASP_BUILD_DIR:?}
cc=${CLASP_C_COMPILER:-cc}
prefix=$WORK/prefix
sanflags=""
[[ ${CLASP_SANITIZED:-0} == 1 ]] && sanflags="-fsanitize=address,undefined"

# ------------------------------------------------------------- 1. install
if cmake --install "$build" --prefix "$prefix" >"$WORK/install.log" 2>&1; then
  pass "cmake --install into a scratch prefix"
else
  fail "cmake --install into a scratch prefix" "$WORK/install.log"
  finish
fi
libdir=$(cd "$prefix" && ls -d lib lib64 lib/*-linux-gnu 2>/dev/null | while read -r d; do
  [[ -f $prefix/$d/pkgconfig/clasp.pc ]] && echo "$d"; done | head -1)
for f in include/clasp/clasp.h "$libdir/libclasp.a" "$libdir/libclasp.so" "$libdir/pkgconfig/clasp.pc" \
         "$libdir/cmake/clasp/claspConfig.cmake" "$libdir/cmake/clasp/claspConfigVersion.cmake" \
         "$libdir/cmake/clasp/claspTargets.cmake" bin/clasp share/man/man1/clasp.1; do
  check "installed $f" test -e "$prefix/$f"
done
# Nothing of the internals: only the one public header.
check "the only header installed is clasp/clasp.h" \
  test "$(cd "$prefix/include" && find . -type f)" = "./clasp/clasp.h"
want_version=$(sed -n 's/^#define CLASP_VERSION_STRING "\(.*\)"/\1/p' "$src/include/clasp/clasp.h")
"$prefix/bin/clasp" --version >"$WORK/version.out" 2>&1
expect_contains "$WORK/version.out" "clasp $want_version (library $want_version)" \
  "the installed tool says its version"
check "man finds the installed man page" \
  bash -c "MANPATH='$prefix/share/man' man -w clasp | grep -q '$prefix/share/man/man1/clasp.1'"

# ------------------------------------------------------------ 2. pkg-config
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
pc_version=$(pkg-config --modversion clasp 2>"$WORK/pc.err")
check "pkg-config --modversion clasp is the header's version ($want_version)" \
  test "$pc_version" = "$want_version"
check "pkg-config --cflags clasp names the installed include directory only" \
  test "$(pkg-config --cflags clasp | xargs)" = "-I$prefix/include"

# uv_client also needs libuv, redis_sessions hiredis (their own pkg-config modules).
examples=(https_get epoll_server uv_client redis_sessions)
for ex in "${examples[@]}"; do
  more=""
  [[ $ex == uv_client ]] && more=libuv
  [[ $ex == redis_sessions ]] && more=hiredis
  # shellcheck disable=SC2046,SC2086
  if $cc $sanflags -o "$WORK/pc_${ex}_shared" "$src/examples/$ex.c" $(pkg-config --cflags --libs clasp $more) \
      >"$WORK/pc_$ex.log" 2>&1; then
    pass "pkg-config: $ex builds with the shared library"
  else
    fail "pkg-config: $ex builds with the shared library" "$WORK/pc_$ex.log"
  fi
  # Static: the archive by name, then what libcrypto needs (clasp.pc's
  # Requires.private).
  # shellcheck disable=SC2046,SC2086
  if $cc $sanflags -o "$WORK/pc_${ex}_static" "$src/examples/$ex.c" $(pkg-config --cflags clasp $more) \
      "$(pkg-config --variable=libdir clasp)/libclasp.a" $(pkg-config --static --libs libcrypto) \
      ${more:+$(pkg-config --libs $more)} >"$WORK/pc_${ex}_static.log" 2>&1; then
    pass "pkg-config: $ex builds with the static library"
  else
    fail "pkg-config: $ex builds with the static library" "$WORK/pc_${ex}_static.log"
  fi
done

# ---------------------------------------------------------- 2. find_package
cmake_flags=(-DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug)
[[ -n $sanflags ]] && cmake_flags+=(-DCMAKE_C_FLAGS="$sanflags" -DCMAKE_EXE_LINKER_FLAGS="$sanflags")
if cmake -S "$src/tests/install/consumer" -B "$WORK/fp" -DCMAKE_PREFIX_PATH="$prefix" \
     -DEXAMPLES_DIR="$src/examples" "${cmake_flags[@]}" >"$WORK/fp.log" 2>&1 &&
   cmake --build "$WORK/fp" -j2 >>"$WORK/fp.log" 2>&1; then
  pass "find_package(clasp): the examples build with clasp::clasp and clasp::clasp_static"
else
  fail "find_package(clasp): the examples build with clasp::clasp and clasp::clasp_static" "$WORK/fp.log"
fi
expect_contains "$WORK/fp.log" "found clasp $want_version" "find_package(clasp) reports version $want_version"
# A version it is not must not be found.
mkdir -p "$WORK/fp_wrong"
cat >"$WORK/fp_wrong/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(wrong LANGUAGES C)
find_package(clasp 9.9 REQUIRED)
CM
if cmake -S "$WORK/fp_wrong" -B "$WORK/fp_wrong/b" -DCMAKE_PREFIX_PATH="$prefix" >"$WORK/fp_wrong.log" 2>&1; then
  fail "find_package(clasp 9.9) is refused" "$WORK/fp_wrong.log"
else
  pass "find_package(clasp 9.9) is refused"
fi

# -------------------------------------------------------- 3. add_subdirectory
if cmake -S "$src/tests/install/subdir" -B "$WORK/sub" -DCLASP_DIR="$src" "${cmake_flags[@]}" \
     >"$WORK/sub.log" 2>&1 && cmake --build "$WORK/sub" -j2 >>"$WORK/sub.log" 2>&1; then
  pass "add_subdirectory(clasp): builds the example, and no tests, tool or benchmark"
else
  fail "add_subdirectory(clasp): builds the example, and no tests, tool or benchmark" "$WORK/sub.log"
fi
check "add_subdirectory(clasp) defines no tests" \
  bash -c "! grep -rqs 'add_test' '$WORK/sub/clasp/CTestTestfile.cmake'"

# ------------------------------------------------------------- 4. run them
PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki" "$PKI/pki.log"; finish; }
port=$(free_port)
start_s_server s_server "$port" -cert "$PKI/ecdsa.pem" -key "$PKI/ecdsa.key" -www ||
  { fail "openssl s_server starts" "$WORK/s_server.log"; finish; }

run_get() { # run_get DESC BINARY [env...]
  local desc=$1 bin=$2 name
  name=$(basename "$bin")
  shift 2
  if [[ ! -x $bin ]]; then
    fail "$desc: $bin was not built"
    return
  fi
  run_timeout 20 env "$@" "$bin" localhost "$port" / "$PKI/ca.pem" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local st=$?
  if ((st == 0)) && grep -q "^HTTP/1.0 200 ok" "$WORK/$name.out"; then
    pass "$desc: fetches a page from openssl s_server (certificate verified)"
  else
    fail "$desc: fetches a page from openssl s_server (status $st)" "$WORK/$name.err" "$WORK/$name.out"
  fi
}
uses_installed_so() { # uses_installed_so BINARY: ldd shows the prefix's libclasp.so
  LD_LIBRARY_PATH=$prefix/$libdir ldd "$1" | grep -q "libclasp.so.* => $prefix/"
}
no_shared_clasp() { ! ldd "$1" | grep -q libclasp.so; }

run_get "pkg-config, shared" "$WORK/pc_https_get_shared" LD_LIBRARY_PATH="$prefix/$libdir"
check "pkg-config, shared: linked with the installed libclasp.so" uses_installed_so "$WORK/pc_https_get_shared"
run_get "pkg-config, static" "$WORK/pc_https_get_static"
check "pkg-config, static: no libclasp.so needed" no_shared_clasp "$WORK/pc_https_get_static"
run_get "find_package, clasp::clasp" "$WORK/fp/https_get_shared"
check "find_package, clasp::clasp: uses the installed libclasp.so" \
  bash -c "ldd '$WORK/fp/https_get_shared' | grep -q 'libclasp.so.* => $prefix/'"
run_get "find_package, clasp::clasp_static" "$WORK/fp/https_get_static"
check "find_package, clasp::clasp_static: no libclasp.so needed" no_shared_clasp "$WORK/fp/https_get_static"
run_get "add_subdirectory, clasp::clasp" "$WORK/sub/https_get"
run_get "add_subdirectory, clasp::clasp_static" "$WORK/sub/https_get_static"

# A wrong trust anchor must fail: the runs above really verified.
run_timeout 20 "$WORK/fp/https_get_static" localhost "$port" / "$PKI/untrusted-ca.pem" \
  >"$WORK/untrusted.out" 2>"$WORK/untrusted.err"
expect_status $? 1 "find_package, static: a server the given CA did not issue is refused" "$WORK/untrusted.err"

# uv_client has https_get's command line: the same page, on libuv.
run_get "uv_client, pkg-config, shared" "$WORK/pc_uv_client_shared" LD_LIBRARY_PATH="$prefix/$libdir"
check "pkg-config, shared: uv_client linked with the installed libclasp.so" \
  uses_installed_so "$WORK/pc_uv_client_shared"
run_get "uv_client, pkg-config, static" "$WORK/pc_uv_client_static"
check "pkg-config, static: uv_client needs no libclasp.so" no_shared_clasp "$WORK/pc_uv_client_static"
run_get "uv_client, find_package, clasp::clasp" "$WORK/fp/uv_client_shared"
run_get "uv_client, find_package, clasp::clasp_static" "$WORK/fp/uv_client_static"
run_get "uv_client, add_subdirectory, clasp::clasp" "$WORK/sub/uv_client"
stop_bg s_server

# run_echo DESC BINARY [env...]: epoll_server echoes a line to openssl
# s_client (certificate verified), then exits 0 on SIGTERM.
run_echo() {
  local desc=$1 bin=$2 name
  name=$(basename "$bin")
  shift 2
  if [[ ! -x $bin ]]; then
    fail "$desc: $bin was not built"
    return
  fi
  start_bg "$name" env "$@" "$bin" "$PKI/ecdsa.pem" "$PKI/ecdsa.key" 0 127.0.0.1
  if ! wait_log "$WORK/$name.log" "listening on port" 10; then
    fail "$desc: epoll_server starts" "$WORK/$name.log"
    stop_bg "$name"
    return
  fi
  local eport
  eport=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$WORK/$name.log" | head -1)
  s_client_echo "$name-client" "echo-from-$name" -connect "127.0.0.1:$eport" -servername localhost \
    -CAfile "$PKI/ca.pem" -verify_return_error
  expect_status $? 0 "$desc: openssl s_client talks to epoll_server" "$WORK/$name-client.out"
  expect_contains "$WORK/$name-client.out" "echo-from-$name" "$desc: epoll_server echoes the line"
  kill -TERM "$(bg_pid "$name")"
  expect_clean_exit "$name" "$desc: epoll_server exits 0 on SIGTERM"
}
run_echo "pkg-config, shared" "$WORK/pc_epoll_server_shared" LD_LIBRARY_PATH="$prefix/$libdir"
run_echo "pkg-config, static" "$WORK/pc_epoll_server_static"
run_echo "find_package, clasp::clasp" "$WORK/fp/epoll_server_shared"
run_echo "find_package, clasp::clasp_static" "$WORK/fp/epoll_server_static"
run_echo "add_subdirectory, clasp::clasp" "$WORK/sub/epoll_server"

# redis_sessions: the session-store test (tests/interop/test_session_store.sh)
# with server A built by pkg-config on the shared library and server B by
# find_package on the static one: a session made on A resumes on B.
if command -v redis-server >/dev/null; then
  run_timeout 180 env CLASP_REDIS_SESSIONS="$WORK/pc_redis_sessions_shared" \
    CLASP_REDIS_SESSIONS_B="$WORK/fp/redis_sessions_static" LD_LIBRARY_PATH="$prefix/$libdir" \
    bash "$src/tests/interop/test_session_store.sh" >"$WORK/redis_sessions.out" 2>&1
  expect_status $? 0 "redis_sessions (pkg-config shared, find_package static): sessions resume across the two through Redis" \
    "$WORK/redis_sessions.out"
else
  fail "redis-server is not installed (scripts/setup.sh installs it)"
fi
finish
