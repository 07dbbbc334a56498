/* kiln-cuda-probe: lists the CUDA devices kiln can use and, with --selftest,
 * runs a kernel on the first. Exit status 0 unless the self-test fails on a
 * machine that has a GPU. */
#include "kiln_cuda_probe.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  kiln_cuda_device_info devices[16];
  char reason[512];
  int n = kiln_cuda_probe(devices, 16, reason, sizeof(reason));
  printf("kiln CUDA backend built with CUDA runtime %d\n", kiln_cuda_build_version());
  if (n == 0) {
    printf("no GPU: %s\n", reason);
    return 0;
  }
  for (int i = 0; i < n && i < 16; ++i)
    printf("device %d: %s, compute %d.%d, %zu MiB\n", devices[i].index, devices[i].name,
           devices[i].compute_major, devices[i].compute_minor, devices[i].total_memory >> 20);
  if (argc > 1 && strcmp(argv[1], "--selftest") == 0) {
    if (kiln_cuda_selftest(reason, sizeof(reason)) != 0) {
      printf("self-test FAILED: %s\n", reason);
      return 1;
    }
    printf("self-test passed\n");
  }
  return 0;
}
