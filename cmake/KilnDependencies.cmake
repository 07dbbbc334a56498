# Finds kiln's dependencies, all from Debian's packages (scripts/setup.sh).

# --- MLIR / LLVM 19 (compiler side only) ------------------------------------
if(NOT MLIR_DIR AND EXISTS /usr/lib/llvm-19/lib/cmake/mlir)
  set(MLIR_DIR /usr/lib/llvm-19/lib/cmake/mlir)
endif()
find_package(MLIR REQUIRED CONFIG)
list(APPEND CMAKE_MODULE_PATH ${MLIR_CMAKE_DIR} ${LLVM_CMAKE_DIR})
include(TableGen)
include(AddLLVM)
include(AddMLIR)
# MLIR_INCLUDE_DIRS (plural) is right; the singular points into Debian's build tree.
set(KILN_MLIR_INCLUDE_DIRS ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
separate_arguments(KILN_LLVM_DEFINITIONS UNIX_COMMAND "${LLVM_DEFINITIONS}")
list(TRANSFORM KILN_LLVM_DEFINITIONS REPLACE "^-D" "")

find_program(KILN_FILECHECK FileCheck HINTS ${LLVM_TOOLS_BINARY_DIR} /usr/lib/llvm-19/bin)
find_file(KILN_LIT lit.py HINTS ${LLVM_TOOLS_BINARY_DIR}/../build/utils/lit
          /usr/lib/llvm-19/build/utils/lit NO_DEFAULT_PATH)
find_package(Python3 COMPONENTS Interpreter)

# --- oneDNN 2.6 (CPU backend) -----------------------------------------------
# dnnl-config.cmake hard-requires OpenCL; an imported target avoids that.
find_path(KILN_DNNL_INCLUDE oneapi/dnnl/dnnl.hpp)
find_library(KILN_DNNL_LIBRARY dnnl)
if(KILN_DNNL_INCLUDE AND KILN_DNNL_LIBRARY)
  add_library(kiln_dnnl INTERFACE IMPORTED)
  target_include_directories(kiln_dnnl INTERFACE ${KILN_DNNL_INCLUDE})
  target_link_libraries(kiln_dnnl INTERFACE ${KILN_DNNL_LIBRARY})
  set(KILN_HAVE_DNNL ON)
else()
  set(KILN_HAVE_DNNL OFF)
endif()

# --- CUDA 13 (optional, compiles without a GPU) -----------------------------
find_program(KILN_NVCC nvcc HINTS /usr/local/cuda/bin)
if(KILN_NVCC)
  set(_kiln_cuda_default ON)
else()
  set(_kiln_cuda_default OFF)
endif()
option(KILN_ENABLE_CUDA "Build the CUDA backend (on when nvcc is found)" ${_kiln_cuda_default})
if(KILN_ENABLE_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND KILN_NVCC)
    set(CMAKE_CUDA_COMPILER ${KILN_NVCC})
  endif()
  if(NOT CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80 90)
  endif()
endif()

# --- Tests ------------------------------------------------------------------
if(KILN_ENABLE_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark QUIET)
endif()
