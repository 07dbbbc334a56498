# Read by ctest in a KILN_SANITIZE build (the top directory's
# TEST_INCLUDE_FILES): sets the sanitizer options in ctest's environment, so
# every test and every process it starts (lit's tools, the conformance
# runner's children, the install consumer) sees them. Options already in the
# environment come last and win.
set(_kiln_supp "${CMAKE_CURRENT_LIST_DIR}")
function(_kiln_san_env var options)
  if(NOT "$ENV{${var}}" STREQUAL "")
    string(APPEND options ":$ENV{${var}}")
  endif()
  set(ENV{${var}} "${options}")
endfunction()
_kiln_san_env(ASAN_OPTIONS "detect_leaks=1")
# use_tls=0: at exit LSan's thread-local scan faults ("Tracer caught signal
# 11") on the OpenMP worker threads oneDNN (libgomp) leaves behind once the cpu
# plugin is dlclose'd; heap, stacks and globals are still scanned.
_kiln_san_env(LSAN_OPTIONS "suppressions=${_kiln_supp}/lsan.supp:print_suppressions=0:use_tls=0")
_kiln_san_env(UBSAN_OPTIONS "print_stacktrace=1:suppressions=${_kiln_supp}/ubsan.supp")
# ThreadSanitizer (KILN_SANITIZE=thread, make tsan): stop at the first race.
_kiln_san_env(TSAN_OPTIONS "halt_on_error=1:second_deadlock_stack=1:suppressions=${_kiln_supp}/tsan.supp")
