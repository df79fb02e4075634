#!/bin/sh
# Installs Debian's python 3.11 the way the official python images present theirs; shared by
# python-3.11-slim.Dockerfile and python-3.11.Dockerfile. Arguments: extra Debian packages.
set -eux
here=$(dirname "$0")
apt-get update
# python3-venv brings Debian's pip wheel (python3-pip-whl), used once below to install pip.
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	ca-certificates netbase tzdata python3 python3-venv "$@"
rm -rf /var/lib/apt/lists/*

# PEP 668: the official images let root `pip install` system-wide.
rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
# The official images have python and python3 in /usr/local/bin (pip and pip3 come below).
ln -sf /usr/bin/python3 /usr/local/bin/python3
ln -sf /usr/bin/python3 /usr/local/bin/python
# Upstream's install layout (see _slimmer_standin_layout.py).
mkdir -p /usr/local/lib/python3.11/site-packages
install -m 0644 "$here/_slimmer_standin_layout.py" "$here/00-slimmer-standin-layout.pth" /usr/lib/python3/dist-packages/
# pip trusts the system CA bundle (with the host's extra CAs) whatever pip version a build installs.
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >/etc/pip.conf
# pip, setuptools and wheel of the official python:3.11 images, from PyPI into
# /usr/local/lib/python3.11/site-packages, with /usr/local/bin/pip, pip3, pip3.11. Not Debian's
# python3-pip: its 23.0.1 runs `setup.py install` for sdists under --no-binary (ignoring the
# layout above), and `pip install -U pip` cannot uninstall it.
set -- /usr/share/python-wheels/pip-*.whl
python3 "$1/pip" install --no-cache-dir --root-user-action=ignore \
	--disable-pip-version-check 'pip==24.0' 'setuptools==65.5.1' 'wheel<0.46'

python3 - <<'PY'
import sys, sysconfig
site = "/usr/local/lib/python3.11/site-packages"
assert site in sys.path, sys.path
assert sysconfig.get_paths()["purelib"] == site
assert sysconfig.get_paths(vars={"base": "/install", "platbase": "/install"})["purelib"] == "/install/lib/python3.11/site-packages"
import setuptools, distutils  # (setuptools before pip: pip's import turns the distutils shim off)
assert distutils.__file__.startswith(site + "/setuptools/"), distutils.__file__
import pip
assert pip.__file__.startswith(site + "/"), pip.__file__
print("python", sys.version.split()[0], "pip", pip.__version__, "setuptools", setuptools.__version__, "layout ok")
PY
pip --version
