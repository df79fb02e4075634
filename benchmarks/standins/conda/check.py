"""Checks the /opt/conda prefix of a stand-in: upstream's layout, and every extension module of
the standard library loads (a missing runtime library shows here, not in a user's build)."""

import importlib
import os
import site
import sys
import sysconfig

SITE = "/opt/conda/lib/python3.11/site-packages"
assert sys.prefix == "/opt/conda", sys.prefix
assert site.getsitepackages() == [SITE], site.getsitepackages()
assert SITE in sys.path and "/opt/conda/lib/python3/dist-packages" not in sys.path, sys.path
assert sysconfig.get_paths()["purelib"] == SITE, sysconfig.get_paths()
assert sysconfig.get_paths()["scripts"] == "/opt/conda/bin", sysconfig.get_paths()
assert sysconfig.get_paths(vars={"base": "/install", "platbase": "/install"})["purelib"] == "/install/lib/python3.11/site-packages"
dynload = os.path.join(sysconfig.get_paths()["platstdlib"], "lib-dynload")
skip = {"_tkinter", "_testcapi", "_testinternalcapi", "_testbuffer", "_testimportmultiple",
        "_testmultiphase", "_xxtestfuzz", "_ctypes_test", "xxlimited", "xxlimited_35",
        "_xxsubinterpreters", "xxsubtype", "_testclinic"}
failed = []
for name in sorted(os.listdir(dynload)):
    mod = name.split(".")[0]
    if mod in skip:
        continue
    try:
        importlib.import_module(mod)
    except ImportError as exc:
        failed.append(f"{mod}: {exc}")
if failed:
    sys.exit("/opt/conda python: extension modules that do not load:\n  " + "\n  ".join(failed))
import pip  # noqa: E402

assert pip.__file__.startswith(SITE + "/"), pip.__file__
print("/opt/conda python", sys.version.split()[0], "pip", pip.__version__, "layout ok")

# A venv with --system-site-packages sees /opt/conda's packages; an isolated one does not.
import subprocess  # noqa: E402
import tempfile  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    probe = "import pip, sys; print(pip.__file__)"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", f"{tmp}/shared"], check=True)
    out = subprocess.run([f"{tmp}/shared/bin/python", "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.startswith(SITE + "/"), out
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", f"{tmp}/isolated"], check=True)
    assert subprocess.run([f"{tmp}/isolated/bin/python", "-c", probe], capture_output=True).returncode != 0
    # ensurepip works (Debian's takes its wheels from /usr/share/python-wheels).
    subprocess.run([sys.executable, "-m", "venv", f"{tmp}/with-pip"], check=True)
    subprocess.run([f"{tmp}/with-pip/bin/pip", "--version"], check=True)
print("venvs: --system-site-packages sees /opt/conda's packages, an isolated venv does not, ensurepip works")
