# Helpers shared by kiln's CMakeLists.

# kiln_mlir_target(<target>): compile <target> against MLIR/LLVM headers and
# link the shared libMLIR.so + libLLVM.so (the one linking model under which
# dlopen'd pass plugins see the same TypeIDs as the host).
function(kiln_mlir_target target)
  target_include_directories(${target} SYSTEM PUBLIC
    "$<BUILD_INTERFACE:${KILN_MLIR_INCLUDE_DIRS}>")
  target_compile_definitions(${target} PUBLIC "$<BUILD_INTERFACE:${KILN_LLVM_DEFINITIONS}>")
  target_link_libraries(${target} PUBLIC MLIR LLVM)
endfunction()

# kiln_warnings(<target>)
function(kiln_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# kiln_unit_test(<name> SOURCES ... LIBS ...): a GoogleTest executable whose
# tests ctest discovers one by one.
function(kiln_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  include(GoogleTest)
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    KILN_SOURCE_DIR="${PROJECT_SOURCE_DIR}" KILN_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
