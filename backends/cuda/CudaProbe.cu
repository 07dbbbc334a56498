// CudaProbe.cu - device discovery and a self-test kernel for the CUDA backend.
#include "kiln_cuda_probe.h"

#include <cuda_runtime.h>
#include <stdio.h>
#include <string.h>
#include <vector>

static void setReason(char *reason, size_t size, const char *what, cudaError_t err) {
  if (reason && size)
    snprintf(reason, size, "%s: %s (%s)", what, cudaGetErrorString(err), cudaGetErrorName(err));
}

extern "C" int kiln_cuda_build_version(void) { return CUDART_VERSION; }

extern "C" int kiln_cuda_probe(kiln_cuda_device_info *devices, int capacity, char *reason,
                               size_t reason_size) {
  int count = 0;
  // Without a driver this returns cudaErrorInsufficientDriver or
  // cudaErrorNoDevice: either way there is no usable GPU.
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    setReason(reason, reason_size, "no usable CUDA device", err);
    return 0;
  }
  for (int i = 0; i < count && i < capacity; ++i) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess)
      continue;
    devices[i].index = i;
    strncpy(devices[i].name, prop.name, sizeof(devices[i].name) - 1);
    devices[i].name[sizeof(devices[i].name) - 1] = 0;
    devices[i].compute_major = prop.major;
    devices[i].compute_minor = prop.minor;
    devices[i].total_memory = prop.totalGlobalMem;
  }
  if (reason && reason_size)
    reason[0] = 0;
  return count;
}

__global__ void saxpy(int n, float a, const float *x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    y[i] = a * x[i] + y[i];
}

extern "C" int kiln_cuda_selftest(char *reason, size_t reason_size) {
  const int n = 1 << 16;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = float(i % 97);
    y[i] = 1.0f;
  }
  float *dx = nullptr, *dy = nullptr;
  cudaError_t err;
  if ((err = cudaMalloc(&dx, n * sizeof(float))) != cudaSuccess ||
      (err = cudaMalloc(&dy, n * sizeof(float))) != cudaSuccess) {
    setReason(reason, reason_size, "cudaMalloc", err);
    cudaFree(dx);
    return -1;
  }
  cudaMemcpy(dx, x.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dy, y.data(), n * sizeof(float), cudaMemcpyHostToDevice);
  saxpy<<<(n + 255) / 256, 256>>>(n, 2.0f, dx, dy);
  err = cudaMemcpy(y.data(), dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
  if (err != cudaSuccess) {
    setReason(reason, reason_size, "kernel", err);
    return -1;
  }
  for (int i = 0; i < n; ++i)
    if (y[i] != 2.0f * float(i % 97) + 1.0f) {
      if (reason && reason_size)
        snprintf(reason, reason_size, "wrong result at %d: %g", i, y[i]);
      return -1;
    }
  return 0;
}
