# Stand-in for pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime: a Python at /opt/conda/bin
# (Debian's python 3.11 laid out as a conda prefix, conda/build-prefix.sh; no conda itself) with
# torch and numpy preinstalled in /opt/conda/lib/python3.11/site-packages, on the ubuntu:22.04
# stand-in. torch is the local CPU wheel (2.13.0+cpu, the only torch these machines can install
# without pulling CUDA wheels) served on the docker bridge by setup-engine; the official image
# carries a CUDA build and its CUDA libraries (several GB), this one none.
FROM ubuntu:22.04 AS conda
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
RUN --mount=type=bind,source=conda,target=/tmp/standin sh /tmp/standin/build-prefix.sh
RUN PIP_FIND_LINKS=$SLIMMER_WHEELS_URL PIP_TRUSTED_HOST=$SLIMMER_WHEELS_HOST \
	/opt/conda/bin/pip install --no-cache-dir --root-user-action=ignore --disable-pip-version-check \
		'torch==2.13.0+cpu' 'numpy<2.4' \
	&& /opt/conda/bin/python -c 'import torch, numpy; print("torch", torch.__version__, "numpy", numpy.__version__, torch.ones(2).numpy())'

FROM ubuntu:22.04
ARG SLIMMER_WHEELS_URL
ARG SLIMMER_WHEELS_HOST
RUN --mount=type=bind,source=conda,target=/tmp/standin sh /tmp/standin/runtime-libs.sh
COPY --from=conda /opt/conda /opt/conda
COPY --from=conda /etc/pip.conf /etc/pip.conf
COPY --from=conda /usr/share/python-wheels /usr/share/python-wheels
RUN --mount=type=bind,source=conda,target=/tmp/standin /opt/conda/bin/python /tmp/standin/check.py
ENV PATH=/opt/conda/bin:/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64
ENV LANG=C.UTF-8 LC_ALL=C.UTF-8
ENV PYTORCH_VERSION=2.1.0
# Stand-in only: the local torch CPU wheel for builds (an unchanged `pip install torch==2.13.0`
# takes it), and the system CA bundle for tools that carry their own (requests, uv).
ENV PIP_FIND_LINKS=$SLIMMER_WHEELS_URL PIP_TRUSTED_HOST=$SLIMMER_WHEELS_HOST
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
RUN python --version && python -c 'import torch; print(torch.__file__)' | grep -q '^/opt/conda/lib/python3.11/site-packages/'
WORKDIR /workspace
