#!/bin/sh
# Makes /opt/conda a Python prefix in the shape of the conda-based images (pytorch/pytorch,
# jupyter/*-notebook) from Debian's python 3.11, for the stand-ins only (no conda itself):
# /opt/conda/bin/python{,3,3.11}, the standard library in /opt/conda/lib/python3.11, pip,
# setuptools and wheel in /opt/conda/lib/python3.11/site-packages, and `pip install` landing
# there too: Debian's copy of sysconfig.py is patched to upstream CPython's posix_prefix scheme
# (patch_layout.py) and a start-up shim (_slimmer_conda_layout.py) gives site upstream's
# lib/python3.11/site-packages, so that a `python -m venv --system-site-packages` made from
# /opt/conda/bin/python sees the packages of /opt/conda as it does on the real images. Argument "dev": headers as well (devel images).
# Runs in a builder stage; the stand-in copies /opt/conda, /usr/share/python-wheels (ensurepip's
# wheels, as Debian's ensurepip looks for them there) and /etc/pip.conf into a stage prepared by
# runtime-libs.sh, and runs check.py there.
set -eux
here=$(dirname "$0")
apt-get update
pkgs="python3.11 python3.11-venv ca-certificates"
[ "${1:-}" = dev ] && pkgs="$pkgs python3.11-dev"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs
rm -rf /var/lib/apt/lists/*

mkdir -p /opt/conda/bin /opt/conda/lib
cp /usr/bin/python3.11 /opt/conda/bin/python3.11
ln -s python3.11 /opt/conda/bin/python3
ln -s python3.11 /opt/conda/bin/python
# The standard library, without Debian's dist-packages and the PEP 668 marker.
cp -a /usr/lib/python3.11 /opt/conda/lib/python3.11
rm -rf /opt/conda/lib/python3.11/dist-packages /opt/conda/lib/python3.11/EXTERNALLY-MANAGED
mkdir -p /opt/conda/lib/python3.11/site-packages
python3.11 "$here/patch_layout.py" /opt/conda/lib/python3.11
mkdir -p /opt/conda/lib/python3/dist-packages
install -m 0644 "$here/_slimmer_conda_layout.py" "$here/00-slimmer-conda-layout.pth" /opt/conda/lib/python3/dist-packages/
if [ "${1:-}" = dev ]; then
	mkdir -p /opt/conda/include
	cp -a /usr/include/python3.11 /opt/conda/include/python3.11
	# Debian's pyconfig.h includes the multiarch one: put its content in place.
	cp /usr/include/x86_64-linux-gnu/python3.11/pyconfig.h /opt/conda/include/python3.11/pyconfig.h
fi

# pip, setuptools and wheel from PyPI, bootstrapped with Debian's pip wheel (python3.11-venv).
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >/etc/pip.conf
set -- /usr/share/python-wheels/pip-*.whl
/opt/conda/bin/python "$1/pip" install --no-cache-dir --root-user-action=ignore \
	--disable-pip-version-check 'pip==24.0' 'setuptools==69.5.1' 'wheel<0.46'
