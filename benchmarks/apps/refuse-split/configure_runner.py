"""Writes the runner's limits to /etc/kata-runner/limits.json (run once, at image build time).

Finds the C compiler on this machine and checks that it can build a program.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

cc = shutil.which("gcc") or shutil.which("cc")
if not cc:
    sys.exit("configure_runner: no C compiler found")
version = subprocess.run([cc, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
limits = {
    "cc": cc,
    "cc_version": version,
    "cflags": ["-O2", "-std=c11", "-Wall"],
    "ldlibs": ["-lm"],
    "compile_timeout_s": 20,
    "run_timeout_s": 2,
    "memory_mb": 256,
}
target = Path("/etc/kata-runner/limits.json")
target.parent.mkdir(parents=True, exist_ok=True)
target.write_text(json.dumps(limits, indent=2))
print(f"configure_runner: wrote {target} ({version})")
