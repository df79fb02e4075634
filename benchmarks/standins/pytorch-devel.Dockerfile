# Stand-in for pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel: the runtime stand-in (its /opt/conda
# python with torch) plus the compilers (build-essential) and the Python headers in
# /opt/conda/include/python3.11, so that C/C++ extensions build against /opt/conda's python and
# torch. The official devel image sits on nvidia/cuda's devel image (nvcc); this one has no
# CUDA toolkit (the nvidia/cuda devel stand-in has one).
FROM ubuntu:22.04 AS headers
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpython3.11-dev \
	&& mkdir -p /opt/conda/include \
	&& cp -a /usr/include/python3.11 /opt/conda/include/python3.11 \
	&& cp /usr/include/x86_64-linux-gnu/python3.11/pyconfig.h /opt/conda/include/python3.11/pyconfig.h

FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends build-essential git \
	&& rm -rf /var/lib/apt/lists/*
COPY --from=headers /opt/conda/include /opt/conda/include
# An extension module builds against /opt/conda's python and loads beside torch.
RUN printf '#include <Python.h>\nstatic struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "probe"};\nPyMODINIT_FUNC PyInit_probe(void) { return PyModule_Create(&m); }\n' >/tmp/probe.c \
	&& cc -shared -fPIC "-I$(python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')" /tmp/probe.c \
		-o "/tmp/probe$(python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')" \
	&& cd /tmp && python -c 'import probe, torch; print("extension ok; torch", torch.__version__)' && rm -f /tmp/probe*
