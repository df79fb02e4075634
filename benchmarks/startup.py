#!/usr/bin/env python3
"""Whole-process start-up time of `slimmer --help` (the pre-commit hook pays it on every
commit): median of --runs, run through the installed console script next to this Python.

    python3 benchmarks/startup.py [--runs 20]

Writes benchmarks/results/startup.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("slimmer")
    commands = {"slimmer --help": [str(script), "--help"], "python -m slimmer --help": [sys.executable, "-m", "slimmer", "--help"]}
    lines = [
        "# slimmer start-up time",
        "",
        f"Command: `python3 benchmarks/startup.py --runs {args.runs}`  ",
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        "",
        "| command | median | min | max |",
        "|---|---|---|---|",
    ]
    for name, cmd in commands.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - start) * 1000)
        lines.append(f"| `{name}` | {statistics.median(times):.1f} ms | {min(times):.1f} ms | {max(times):.1f} ms |")
    RESULTS.mkdir(exist_ok=True)
    text = "\n".join(lines) + "\n"
    (RESULTS / "startup.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
