# Stand-in for nvidia/cuda:12.1.1-base-ubuntu22.04, from Debian 12's CUDA 11.8 packages (non-free):
# cuda/setup.sh base. The variables are the official image's; the libraries are CUDA 11.8's.
FROM ubuntu:22.04
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
ENV NVARCH=x86_64
ENV NVIDIA_REQUIRE_CUDA="cuda>=12.1"
ENV NV_CUDA_CUDART_VERSION=12.1.105-1
ENV CUDA_VERSION=12.1.1
RUN --mount=type=bind,source=cuda,target=/tmp/standin sh /tmp/standin/setup.sh base
ENV PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64
ENV NVIDIA_VISIBLE_DEVICES=all
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility
# Stand-in only: the local torch CPU wheel for builds (an unchanged `pip install torch==2.13.0`
# takes it), and the system CA bundle for tools that carry their own (requests, uv).
ENV PIP_FIND_LINKS=$SLIMMER_WHEELS_URL PIP_TRUSTED_HOST=$SLIMMER_WHEELS_HOST
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
