#!/bin/sh
# The shared libraries that the /opt/conda python (build-prefix.sh) and the extension modules
# of its standard library link against (the dependencies of Debian's python3.11-minimal and
# libpython3.11-stdlib), without Debian's python itself; plus the CA bundle.
set -eux
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	ca-certificates netbase tzdata media-types \
	libexpat1 zlib1g libssl3 libffi8 libsqlite3-0 libbz2-1.0 liblzma5 libncursesw6 libtinfo6 \
	libreadline8 libuuid1 libdb5.3 libnsl2 libtirpc3 libcrypt1 "$@"
rm -rf /var/lib/apt/lists/*
