# Fails when the shared library LIB links MLIR, LLVM or a kiln frontend.
execute_process(COMMAND ldd ${LIB} OUTPUT_VARIABLE deps RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${LIB} failed")
endif()
if(deps MATCHES "libMLIR|libLLVM|libkiln_ir|libkiln_onnx|libkiln_passes")
  message(FATAL_ERROR "${LIB} depends on the compiler side:\n${deps}")
endif()
message(STATUS "${LIB}: no MLIR, LLVM or frontend dependency\n${deps}")
