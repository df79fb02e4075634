# Stand-in for nvidia/cuda:12.1.1-devel-ubuntu22.04, from Debian 12's CUDA 11.8 packages (non-free):
# nvcc, headers and static libraries (nvidia-cuda-toolkit, with g++-11, the newest gcc CUDA 11.8
# supports) and build-essential, then cuda/setup.sh devel. The variables are the official
# image's; the libraries are CUDA 11.8's.
FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
ENV NV_CUDA_LIB_VERSION=12.1.1-1
ENV NV_NVCC_VERSION=12.1.105-1
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nvidia-cuda-toolkit build-essential \
	&& rm -rf /var/lib/apt/lists/*
RUN --mount=type=bind,source=cuda,target=/tmp/standin sh /tmp/standin/setup.sh devel
ENV LIBRARY_PATH=/usr/local/cuda/lib64/stubs
