#!/bin/sh
# The CUDA layers of the nvidia/cuda stand-ins, from the CUDA 11.8 packages of Debian 12's
# non-free component. Argument: base | runtime | devel (each stand-in builds on the previous).
#   base:    the CUDA runtime library (libcudart), ca-certificates, /usr/local/cuda-12.1 with
#            /usr/local/cuda pointing to it, /etc/ld.so.conf.d/nvidia.conf, no Python
#   runtime: the math libraries (cuBLAS, cuBLASLt)
#   devel:   /usr/local/cuda/{bin/nvcc,include,lib64/stubs} over the packages of its Dockerfile
#            (nvidia-cuda-toolkit: nvcc, headers, static libraries; the compilers), checked by
#            compiling a CUDA program
# /usr/local/cuda-12.1/{bin,include,lib64} link to where Debian puts those files.
set -eux
variant=$1
cuda=/usr/local/cuda-12.1
if [ "$variant" = base ]; then
	# Debian's non-free component carries NVIDIA's packages (kept for later apt-get installs, as
	# the official images keep NVIDIA's CUDA repository).
	sed -i 's/^Components: main$/Components: main contrib non-free non-free-firmware/' \
		/etc/apt/sources.list.d/debian.sources
fi
case $variant in
base) pkgs="ca-certificates libcudart11.0" ;;
runtime) pkgs="libcublas11 libcublaslt11" ;;
devel) pkgs="" ;;
*) echo "cuda/setup.sh: unknown variant $variant" >&2; exit 2 ;;
esac
if [ -n "$pkgs" ]; then
	apt-get update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs
	rm -rf /var/lib/apt/lists/*
fi
mkdir -p "$cuda/lib64" "$cuda/bin"
for lib in /usr/lib/x86_64-linux-gnu/libcudart.so* /usr/lib/x86_64-linux-gnu/libcublas*.so* \
	/usr/lib/x86_64-linux-gnu/libcu*_static.a; do
	[ -e "$lib" ] && ln -sf "$lib" "$cuda/lib64/"
done
case $variant in
base)
	ln -s cuda-12.1 /usr/local/cuda
	printf '/usr/local/nvidia/lib\n/usr/local/nvidia/lib64\n' >/etc/ld.so.conf.d/nvidia.conf
	if command -v python3; then echo 'cuda/setup.sh: the base has a python3' >&2; exit 1; fi
	;;
devel)
	ln -s /usr/include "$cuda/include"
	# CUDA 11.8's nvcc refuses gcc 12 (bookworm's default); the toolkit pulled in g++-11, the
	# newest it supports: /usr/local/cuda/bin/nvcc (first on PATH) uses it unless told otherwise.
	cat >"$cuda/bin/nvcc" <<'NVCC'
#!/bin/sh
# nvcc of the nvidia/cuda devel stand-in: Debian's CUDA 11.8 nvcc with gcc 11 as host compiler.
case " $* " in
*" -ccbin"* | *" --compiler-bindir"*) exec /usr/lib/nvidia-cuda-toolkit/bin/nvcc "$@" ;;
esac
exec /usr/lib/nvidia-cuda-toolkit/bin/nvcc -ccbin g++-11 "$@"
NVCC
	chmod 0755 "$cuda/bin/nvcc"
	mkdir -p "$cuda/lib64/stubs"
	for lib in /usr/lib/x86_64-linux-gnu/stubs/*.so; do
		[ -e "$lib" ] && ln -sf "$lib" "$cuda/lib64/stubs/"
	done
	# nvcc compiles and links a CUDA program here (no GPU needed to build it).
	printf '#include <cstdio>\n__global__ void k(int *x) { *x = 1; }\nint main() { int n = -1; cudaGetDeviceCount(&n); printf("built, devices reported: %%d\\n", n); }\n' >/tmp/probe.cu
	/usr/local/cuda/bin/nvcc -o /tmp/probe /tmp/probe.cu
	/tmp/probe || true
	rm -f /tmp/probe /tmp/probe.cu
	/usr/local/cuda/bin/nvcc --version
	;;
esac
