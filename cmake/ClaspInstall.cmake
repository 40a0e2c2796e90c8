# SPDX-License-Identifier: Apache-2.0
# What `cmake --install` puts under the prefix:
#   include/clasp/clasp.h
#   lib/libclasp.so.X.Y.Z (+ links), lib/libclasp.a
#   lib/pkgconfig/clasp.pc
#   lib/cmake/clasp/{claspConfig,claspConfigVersion,claspTargets*}.cmake
#   bin/clasp, share/man/man1/clasp.1 (when the tool is built)
include(CMakePackageConfigHelpers)

set(CLASP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/clasp)

install(FILES ${PROJECT_SOURCE_DIR}/include/clasp/clasp.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/clasp)
install(TARGETS clasp_shared clasp_static EXPORT claspTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT claspTargets NAMESPACE clasp:: DESTINATION ${CLASP_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/claspConfig.cmake.in
  ${PROJECT_BINARY_DIR}/claspConfig.cmake INSTALL_DESTINATION ${CLASP_CMAKE_DIR})
# 0.x: a minor release may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/claspConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/claspConfig.cmake ${PROJECT_BINARY_DIR}/claspConfigVersion.cmake
        DESTINATION ${CLASP_CMAKE_DIR})

# pkg-config: the paths are the ones given at configure time
# (CMAKE_INSTALL_PREFIX); `cmake --install --prefix` elsewhere rewrites
# ${prefix} in the installed file (clasp_pc_install.cmake).
configure_file(${PROJECT_SOURCE_DIR}/cmake/clasp.pc.in ${PROJECT_BINARY_DIR}/clasp.pc.in.configured @ONLY)
install(CODE "
  set(pc_in \"${PROJECT_BINARY_DIR}/clasp.pc.in.configured\")
  file(READ \${pc_in} pc)
  string(REPLACE \"%CLASP_PREFIX%\" \"\${CMAKE_INSTALL_PREFIX}\" pc \"\${pc}\")
  file(WRITE \"${PROJECT_BINARY_DIR}/clasp.pc\" \"\${pc}\")
")
install(FILES ${PROJECT_BINARY_DIR}/clasp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET clasp AND CLASP_BUILD_TOOL)
  install(TARGETS clasp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/docs/clasp.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
