# SPDX-License-Identifier: Apache-2.0
# examples/redis_sessions.c: a server keeping its sessions in Redis through
# hiredis (clasp_config_set_session_store). Built when hiredis is found
# (Debian: libhiredis-dev, installed by scripts/setup.sh); the test
# tests/interop/test_session_store.sh runs it against a real redis-server.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
endif()
if(HIREDIS_FOUND)
  add_executable(redis_sessions ${CMAKE_CURRENT_LIST_DIR}/redis_sessions.c)
  target_link_libraries(redis_sessions PRIVATE clasp_static PkgConfig::HIREDIS)
else()
  message(STATUS "hiredis not found: examples/redis_sessions.c is not built")
endif()
