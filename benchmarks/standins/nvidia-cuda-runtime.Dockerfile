# Stand-in for nvidia/cuda:12.1.1-runtime-ubuntu22.04, from Debian 12's CUDA 11.8 packages (non-free):
# cuda/setup.sh runtime. The variables are the official image's; the libraries are CUDA 11.8's.
FROM nvidia/cuda:12.1.1-base-ubuntu22.04
ENV NV_CUDA_LIB_VERSION=12.1.1-1
ENV NV_LIBCUBLAS_VERSION=12.1.3.1-1
RUN --mount=type=bind,source=cuda,target=/tmp/standin sh /tmp/standin/setup.sh runtime
