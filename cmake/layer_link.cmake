# SPDX-License-Identifier: Apache-2.0
# The linker of a layer check (cmake/ClaspLayers.cmake), run as
#   cmake -DLAYER=name=folder,... -DBELOW='name=folders ...' -DABOVE='...'
#         -DSOURCE_DIR=dir -P layer_link.cmake -- LINK COMMAND...
# It runs the link command; when that fails on undefined references it says
# which layer calls up, from which file, and where the function lives.

set(command "")
set(after_dashes OFF)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_dashes)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_dashes ON)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "layer_link.cmake: no link command after '--'")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(out)
  message(NOTICE "${out}")
endif()
if(status EQUAL 0)
  if(err)
    message(NOTICE "${err}")
  endif()
  return()
endif()
message(NOTICE "${err}")

get_filename_component(source_name "${SOURCE_DIR}" NAME)
# name=folder,folder -> name and folder list
string(REGEX REPLACE "=.*" "" layer "${LAYER}")
string(REGEX REPLACE "^[^=]*=" "" layer_folders "${LAYER}")
string(REPLACE "," ";" layer_folders "${layer_folders}")
string(REPLACE " " ";" below "${BELOW}")
string(REPLACE " " ";" above "${ABOVE}")
set(below_names "")
foreach(entry ${below})
  string(REGEX REPLACE "=.*" "" name "${entry}")
  list(INSERT below_names 0 ${name})
endforeach()
string(REPLACE ";" " " below_names "${below_names}")

# The undefined references: GNU ld and gold say
#   .../src/core/core.c:42: undefined reference to `cl_hs_start'
# (after a line "...: in function `f':"); lld and mold say
#   error: undefined symbol: cl_hs_start
#   >>> referenced by core.c:42 (.../src/core/core.c:42)
string(REPLACE ";" "," err "${err}")
string(REPLACE "\n" ";" lines "${err}")
set(calls "")
set(pending "")
set(context "")
foreach(line ${lines})
  set(symbol "")
  if(line MATCHES "in function")
    set(context "${line}")
    continue()
  elseif(line MATCHES "undefined reference to [`']([^'`]+)'")
    set(symbol "${CMAKE_MATCH_1}")
    set(where "${line}")
  elseif(line MATCHES "undefined symbol: ([^ ]+)")
    set(pending "${CMAKE_MATCH_1}")
    continue()
  elseif(pending AND line MATCHES "referenced by")
    set(symbol "${pending}")
    set(where "${line}")
    set(pending "")
  else()
    continue()
  endif()
  set(caller "a file of ${layer}")
  if(where MATCHES "([A-Za-z0-9_.+-]+/[A-Za-z0-9_.+-]+\\.c(:[0-9]+)?)")
    set(caller "${source_name}/${CMAKE_MATCH_1}")
  elseif(context MATCHES "([A-Za-z0-9_.+-]+/[A-Za-z0-9_.+-]+\\.c)\\.o")
    set(caller "${source_name}/${CMAKE_MATCH_1}")
  endif()
  # Where the function is defined: a line of a layer above that starts
  # with its return type, has the name before a '(' and does not end in
  # ';' as a declaration does (the style of src/).
  set(home "which neither ${layer}, the layers below it nor a library they link defines")
  foreach(entry ${above})
    string(REGEX REPLACE "=.*" "" name "${entry}")
    string(REGEX REPLACE "^[^=]*=" "" folders "${entry}")
    string(REPLACE "," ";" folders "${folders}")
    foreach(folder ${folders})
      file(GLOB files ${SOURCE_DIR}/${folder}/*.c)
      foreach(f ${files})
        file(STRINGS ${f} defs REGEX "^[A-Za-z_][^;(]*[^A-Za-z0-9_]${symbol} *\\(.*[^; ]$")
        if(defs)
          get_filename_component(file_name ${f} NAME)
          set(home "defined in ${source_name}/${folder}/${file_name} (layer ${name}, above ${layer})")
          break()
        endif()
      endforeach()
    endforeach()
  endforeach()
  list(APPEND calls "  ${caller} calls ${symbol}, ${home}\n")
endforeach()
list(REMOVE_DUPLICATES calls)
string(REPLACE ";" "" calls "${calls}")
set(folders_text "")
foreach(folder ${layer_folders})
  list(APPEND folders_text "${source_name}/${folder}")
endforeach()
string(REPLACE ";" ", " folders_text "${folders_text}")
if(NOT below_names)
  set(below_names "none: it is the bottom layer")
endif()

if(calls)
  message(NOTICE
    "LAYER CHECK FAILED: layer ${layer} (${folders_text}) calls up: it uses a function only a layer above it has.\n"
    "A layer may call only itself and the layers below it (${below_names}), but:\n"
    "${calls}"
    "Move the call up into the layer that owns the function, or the function down "
    "to a layer below (docs/ARCHITECTURE.md, \"Layers\").")
  message(FATAL_ERROR "the layer check of ${layer} failed: it calls up (see above)")
endif()
message(FATAL_ERROR "the layer check of ${layer} failed to link (see above)")
