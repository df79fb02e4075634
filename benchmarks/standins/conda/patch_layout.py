"""Patch a copy of Debian's python 3.11 standard library (argument: its directory) towards
upstream CPython's install layout, for the /opt/conda prefix of the stand-ins only: installs use
the posix_prefix scheme (prefix/lib/python3.11/site-packages; Debian: posix_local, i.e.
prefix/local/lib/python3.11/dist-packages). site.py cannot be patched the same way (3.11 runs
a frozen copy of it); _slimmer_conda_layout.py restores its side at start-up."""

import sys
from pathlib import Path

stdlib = Path(sys.argv[1])
sysconfig = stdlib / "sysconfig.py"
text = sysconfig.read_text()
old = "            prefix_scheme = 'posix_local'\n"
assert text.count(old) == 1, "sysconfig.py: the posix_local default not found"
sysconfig.write_text(text.replace(old, "            prefix_scheme = 'posix_prefix'\n"))
for cached in stdlib.glob("__pycache__/sysconfig.*.pyc"):
    cached.unlink()
