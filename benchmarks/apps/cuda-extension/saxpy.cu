// saxpy: y = a*x + y, as a CUDA kernel with a host fallback, built into libsaxpy.so for ctypes.
#include <cuda_runtime.h>

__global__ void saxpy_kernel(int n, float a, const float *x, float *y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

extern "C" {

// The number of CUDA devices, or minus the CUDA error code (no driver, no device ...).
int saxpy_device_count(void) {
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    return err == cudaSuccess ? n : -(int)err;
}

const char *saxpy_error_name(int code) { return cudaGetErrorName((cudaError_t)code); }

// The CUDA runtime version the library was built against (asking the runtime library needs a
// driver; this does not).
int saxpy_built_with(void) { return CUDART_VERSION; }

void saxpy_host(int n, float a, const float *x, float *y) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

// 0 on success, else the CUDA error code (y is left unchanged).
int saxpy_device(int n, float a, const float *x, float *y) {
    float *dx = nullptr, *dy = nullptr;
    size_t bytes = (size_t)n * sizeof(float);
    cudaError_t err = cudaMalloc(&dx, bytes);
    if (err == cudaSuccess) err = cudaMalloc(&dy, bytes);
    if (err == cudaSuccess) err = cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
    if (err == cudaSuccess) err = cudaMemcpy(dy, y, bytes, cudaMemcpyHostToDevice);
    if (err == cudaSuccess) {
        saxpy_kernel<<<(n + 255) / 256, 256>>>(n, a, dx, dy);
        err = cudaGetLastError();
    }
    if (err == cudaSuccess) err = cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
    cudaFree(dx);
    cudaFree(dy);
    return (int)err;
}

}  // extern "C"
