"""Kata runner: compiles a C solution with gcc at request time, runs it and checks the output.

The container needs the C toolchain (gcc, libc headers) at run time, and the limits file
that `configure_runner.py` writes to /etc/kata-runner at build time.
"""

import json
import os
import resource
import subprocess
import tempfile
from pathlib import Path

CONFIG_PATH = Path(os.environ.get("KATA_RUNNER_CONFIG", "/etc/kata-runner/limits.json"))
KATA_DIR = Path(__file__).with_name("katas")


def load_limits() -> dict:
    return json.loads(CONFIG_PATH.read_text())


def _limit(seconds: int, memory_mb: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return apply


def compile_and_run(source: str, stdin: str = "") -> dict:
    limits = load_limits()
    with tempfile.TemporaryDirectory(prefix="kata-") as tmp:
        src = Path(tmp, "solution.c")
        exe = Path(tmp, "solution")
        src.write_text(source)
        build = subprocess.run(
            [limits["cc"], *limits["cflags"], "-o", str(exe), str(src), *limits["ldlibs"]],
            capture_output=True, text=True, timeout=limits["compile_timeout_s"],
        )
        if build.returncode != 0:
            return {"status": "compile_error", "stderr": build.stderr}
        run = subprocess.run(
            [str(exe)], input=stdin, capture_output=True, text=True,
            timeout=limits["run_timeout_s"] + 1,
            preexec_fn=_limit(limits["run_timeout_s"], limits["memory_mb"]),
        )
        return {"status": "ran", "exit": run.returncode, "stdout": run.stdout}


def check_kata(name: str, source: str) -> bool:
    kata = json.loads((KATA_DIR / f"{name}.json").read_text())
    for case in kata["cases"]:
        result = compile_and_run(source, case["stdin"])
        if result.get("stdout", "").strip() != case["stdout"].strip():
            return False
    return True


SAMPLE_SOLUTION = r"""
#include <stdio.h>
int main(void) {
    long a, b;
    if (scanf("%ld %ld", &a, &b) != 2) return 1;
    printf("%ld\n", a + b);
    return 0;
}
"""

if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--selftest"]:
        result = compile_and_run(SAMPLE_SOLUTION, "40 2")
        passed = check_kata("sum", SAMPLE_SOLUTION)
        print(f"selftest cc={load_limits()['cc']} out={result['stdout'].strip()} kata_sum={'pass' if passed else 'FAIL'}")
    else:
        print(json.dumps(compile_and_run(sys.stdin.read())))
