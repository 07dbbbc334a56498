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
