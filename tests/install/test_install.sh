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
#   4. every binary built fetches a page from a real peer, openssl s_server
#      on 127.0.0.1, verifying its certificate; and the shared ones really
#      use the installed libclasp.so, the static ones none.
# Environment (tests/CMakeLists.txt): CLASP_BUILD_DIR, CLASP_SOURCE_DIR,
# CLASP_C_COMPILER, CLASP_SANITIZED (1 in the ASan+UBSan build).
source "${CLASP_TEST_LIB:-$(dirname "$0")/../interop/lib.sh}"
need_tools "openssl pkg-config cmake man-db" openssl pkg-config cmake man

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

examples=(https_get)
[[ -f $src/examples/epoll_server.c ]] && examples+=(epoll_server)
for ex in "${examples[@]}"; do
  # shellcheck disable=SC2046
  if $cc $sanflags -o "$WORK/pc_${ex}_shared" "$src/examples/$ex.c" $(pkg-config --cflags --libs clasp) \
      >"$WORK/pc_$ex.log" 2>&1; then
    pass "pkg-config: $ex builds with the shared library"
  else
    fail "pkg-config: $ex builds with the shared library" "$WORK/pc_$ex.log"
  fi
  # Static: the archive by name, then what libcrypto needs (clasp.pc's
  # Requires.private).
  # shellcheck disable=SC2046
  if $cc $sanflags -o "$WORK/pc_${ex}_static" "$src/examples/$ex.c" $(pkg-config --cflags clasp) \
      "$(pkg-config --variable=libdir clasp)/libclasp.a" $(pkg-config --static --libs libcrypto) \
      >"$WORK/pc_${ex}_static.log" 2>&1; then
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

if declare -F install_epoll_checks >/dev/null; then install_epoll_checks; fi
stop_bg s_server
finish
