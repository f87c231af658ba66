# moe_add_library(name sources...
#   [DEPENDS targets...]      tablegen targets to build first
#   [MOE_LIBS libs...]        moe-mlir libraries it uses
#   [MLIR_LIBS libs...])      upstream MLIR components it uses
#
# Upstream components are linked through mlir_target_link_libraries, which
# turns them into the one libMLIR.so: a static MLIR archive never reaches a
# link line next to the dylib. The library is installed and exported in the
# MoEMLIRTargets set used by find_package(MoEMLIR).
function(moe_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;MOE_LIBS;MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_MOE_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  # Whatever links a sanitized library needs the sanitizer runtimes too
  # (the installed package carries this to outside projects).
  if(MOE_SANITIZE)
    target_link_options(${name} INTERFACE -fsanitize=address,undefined)
  endif()
  set_property(GLOBAL APPEND PROPERTY MOE_EXPORTED_LIBS ${name})
  install(TARGETS ${name} EXPORT MoEMLIRTargets
    ARCHIVE DESTINATION lib
    LIBRARY DESTINATION lib)
endfunction()
