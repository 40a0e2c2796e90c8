# SPDX-License-Identifier: Apache-2.0
# The build refuses a call from a layer into a layer above it (ctest:
# lib.layer_links). A tiny project of three layers, built with clasp's own
# cmake/ClaspLayers.cmake:
#   1. each layer calls only down: it builds, with a link check per layer;
#   2. the middle layer calls the top one: the build fails, and says which
#      layer, which call, and where the function lives;
#   3. a source in a folder that is on no layer: configuring fails.
# Then clasp's own build holds a link check for every layer of src/.
#
#   cmake -DMODULE=cmake/ClaspLayers.cmake -DWORK=dir -DGENERATOR=... -DCC=...
#         -DCLASP_BUILD=dir -DCLASP_LAYERS='base crypto ...' -P test_layer_links.cmake

foreach(var MODULE WORK GENERATOR CC CLASP_BUILD CLASP_LAYERS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "test_layer_links.cmake: -D${var}=... is missing")
  endif()
endforeach()

set(failures 0)
macro(fail text)
  message(NOTICE "FAIL: ${text}")
  math(EXPR failures "${failures} + 1")
endmacro()

file(REMOVE_RECURSE ${WORK})
file(WRITE ${WORK}/CMakeLists.txt "cmake_minimum_required(VERSION 3.16)
project(layer_probe LANGUAGES C)
include(${MODULE})
clasp_add_layers(PREFIX probe SOURCE_DIR \${PROJECT_SOURCE_DIR}/src LAYERS \"low mid+side top\"
                 OUT_OBJECTS objects)
add_library(probe STATIC \${objects})
")
file(WRITE ${WORK}/src/low/low.c "int low(void);\nint low(void) { return 1; }\n")
file(WRITE ${WORK}/src/side/side.c "int low(void);\nint side(void);\nint side(void) { return low(); }\n")
set(mid_down "int side(void);\nint mid(void);\nint mid(void) { return side(); }\n")
set(mid_up "int side(void);\nint top(void);\nint mid(void);\nint mid(void) { return side() + top(); }\n")
file(WRITE ${WORK}/src/mid/mid.c "${mid_down}")
file(WRITE ${WORK}/src/top/top.c "int mid(void);\nint top(void);\nint top(void) { return mid(); }\n")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(status ${status} PARENT_SCOPE)
  set(output "${out}${err}" PARENT_SCOPE)
endfunction()

# 1. Calls go down only: it builds, and every layer has its check.
run(configure ${CMAKE_COMMAND} -S ${WORK} -B ${WORK}/build -G ${GENERATOR} -DCMAKE_C_COMPILER=${CC})
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the probe project does not configure:\n${output}")
endif()
run(build ${CMAKE_COMMAND} --build ${WORK}/build)
if(NOT status EQUAL 0)
  fail("a project whose layers call only down does not build:\n${output}")
endif()
foreach(layer low mid top)
  if(NOT EXISTS ${WORK}/build/layer_checks/probe_layercheck_${layer})
    fail("the probe project has no link check for layer ${layer}")
  endif()
endforeach()

# 2. mid calls top: the build fails and names the layer and the call.
file(WRITE ${WORK}/src/mid/mid.c "${mid_up}")
run(build ${CMAKE_COMMAND} --build ${WORK}/build)
if(status EQUAL 0)
  fail("a call from layer mid up into layer top built without an error")
else()
  foreach(expected
      "LAYER CHECK FAILED: layer mid (src/mid, src/side) calls up: it uses a function only a layer above it has."
      "A layer may call only itself and the layers below it (low), but:"
      "  src/mid/mid.c"
      " calls top, defined in src/top/top.c (layer top, above mid)")
    string(FIND "${output}" "${expected}" at)
    if(at EQUAL -1)
      fail("the failed build does not say\n  ${expected}\nit says:\n${output}")
    endif()
  endforeach()
endif()
file(WRITE ${WORK}/src/mid/mid.c "${mid_down}")

# 3. A folder on no layer: no source may fall out of the library unnoticed.
file(WRITE ${WORK}/src/stray/stray.c "int stray(void);\nint stray(void) { return 0; }\n")
run(configure ${CMAKE_COMMAND} -S ${WORK} -B ${WORK}/build)
string(FIND "${output}" "these sources are in no layer's folder" at)
if(status EQUAL 0 OR at EQUAL -1)
  fail("a source in a folder on no layer did not stop the configure:\n${output}")
endif()

# clasp itself: a check per layer that has sources, built with everything.
string(REPLACE " " ";" layers "${CLASP_LAYERS}")
get_filename_component(clasp_src "${MODULE}" DIRECTORY)
get_filename_component(clasp_src "${clasp_src}" DIRECTORY)
foreach(entry ${layers})
  string(REPLACE "+" ";" folders "${entry}")
  list(GET folders 0 layer)
  set(sources "")
  foreach(folder ${folders})
    file(GLOB found ${clasp_src}/src/${folder}/*.c)
    list(APPEND sources ${found})
  endforeach()
  if(sources AND NOT EXISTS ${CLASP_BUILD}/layer_checks/clasp_layercheck_${layer})
    fail("clasp's build has no link check for layer ${layer} (${CLASP_BUILD}/layer_checks)")
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "${failures} failed")
endif()
message(NOTICE "ok: a call up a layer fails the build with a sentence naming it; "
               "clasp's layers (${CLASP_LAYERS}) are each checked")
file(REMOVE_RECURSE ${WORK})
