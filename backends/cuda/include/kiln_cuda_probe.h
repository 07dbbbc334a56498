/* kiln_cuda_probe.h - which CUDA devices can kiln's CUDA backend use?
 *
 * Plain C, no CUDA headers: the host calls this before loading the CUDA
 * backend plugin. Without a driver or a GPU the answer is "none" with the
 * reason; it never fails harder than that.
 */
#ifndef KILN_CUDA_PROBE_H
#define KILN_CUDA_PROBE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_cuda_device_info {
  int index;
  char name[256];
  int compute_major, compute_minor;
  size_t total_memory;
} kiln_cuda_device_info;

/* Number of usable devices (0 when there is no driver or no GPU, with the
 * reason in `reason`); fills up to `capacity` entries of `devices`. */
int kiln_cuda_probe(kiln_cuda_device_info *devices, int capacity, char *reason,
                    size_t reason_size);

/* The CUDA runtime version kiln was built against, e.g. 13000. */
int kiln_cuda_build_version(void);

/* Runs a tiny kernel (y = a*x + y over n floats) on device 0 and checks the
 * result on the host; returns 0 on success, -1 with the reason otherwise. */
int kiln_cuda_selftest(char *reason, size_t reason_size);

#ifdef __cplusplus
}
#endif

#endif /* KILN_CUDA_PROBE_H */
