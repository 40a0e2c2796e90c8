# SPDX-License-Identifier: Apache-2.0
# clasp_check_header_version(HEADER VERSION): the CLASP_VERSION_MAJOR, _MINOR,
# _PATCH and _STRING macros of HEADER must spell VERSION (project(VERSION)),
# or configuring fails with a sentence saying which line to change. The
# header is what a consumer reads without CMake, so it holds the macros
# itself rather than a generated file that could be missing from a copy.
function(clasp_check_header_version header version)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${header})
  file(STRINGS ${header} lines REGEX "^#define CLASP_VERSION_(MAJOR|MINOR|PATCH|STRING) ")
  set(found "")
  foreach(part MAJOR MINOR PATCH STRING)
    set(value "")
    foreach(line ${lines})
      if(line MATCHES "^#define CLASP_VERSION_${part} +\"?([0-9.]+)\"?")
        set(value ${CMAKE_MATCH_1})
      endif()
    endforeach()
    set(header_${part} ${value})
  endforeach()
  string(REPLACE "." ";" parts ${version})
  list(GET parts 0 want_MAJOR)
  list(GET parts 1 want_MINOR)
  list(GET parts 2 want_PATCH)
  set(want_STRING ${version})
  foreach(part MAJOR MINOR PATCH STRING)
    if(NOT "${header_${part}}" STREQUAL "${want_${part}}")
      message(FATAL_ERROR "${header} says CLASP_VERSION_${part} is '${header_${part}}' but "
        "CMakeLists.txt's project(VERSION) is ${version}: change the header's "
        "CLASP_VERSION_* lines to ${version} (and add a CHANGELOG.md entry)")
    endif()
  endforeach()
endfunction()
