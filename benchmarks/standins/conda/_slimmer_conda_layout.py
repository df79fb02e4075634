"""Start-up shim of the stand-ins' /opt/conda python (Debian's python 3.11 as a conda prefix).

Debian's site module (frozen into the interpreter, so its copy in /opt/conda cannot be patched)
looks for packages in PREFIX/local/lib/python3.11/dist-packages and PREFIX/lib/python3/dist-packages;
upstream CPython, and so conda, in PREFIX/lib/python3.11/site-packages. This module, loaded by
a .pth file in /opt/conda/lib/python3/dist-packages, adds /opt/conda's site-packages (with its
.pth files), takes that helper directory off sys.path again and gives site.getsitepackages()
upstream's answer. A venv made with --system-site-packages from this python loads it too, so
it sees /opt/conda's packages as on the real images; an isolated venv does not.
"""
import os
import site
import sys

_VERSION = "python%d.%d" % sys.version_info[:2]
_HERE = os.path.dirname(os.path.abspath(__file__))


def _getsitepackages(prefixes=None):
    found = []
    for prefix in site.PREFIXES if prefixes is None else prefixes:
        path = os.path.join(prefix, "lib", _VERSION, "site-packages")
        if prefix and path not in found:
            found.append(path)
    return found


def _install():
    base = os.path.join(sys.base_prefix, "lib", _VERSION, "site-packages")
    if os.path.isdir(base):
        site.addsitedir(base)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p) != _HERE]
    site.getsitepackages = _getsitepackages


_install()
