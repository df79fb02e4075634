#!/usr/bin/env python3
"""Start-up time of two slimmer source trees side by side: `slimmer --help` and a one-file
`slimmer analyze` (warm cache, each tree with its own cache folder), runs alternating so
both see the same machine load. For changes that touch start-up (the cache format).

    git archive BASE | tar -x -C /tmp/before
    python3 benchmarks/startup_ab.py --before /tmp/before --after . [--runs 30] [--out NAME]

Writes benchmarks/results/NAME.md when --out is given.
"""

from __future__ import annotations

import argparse
import os
import resource
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--file", default=str(ROOT / "examples" / "flask" / "Dockerfile"))
    ap.add_argument("--dir", help="also time `slimmer analyze DIR` (e.g. a folder of ~1000 Dockerfiles)")
    ap.add_argument("--out")
    args = ap.parse_args()
    trees = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    caches = tempfile.mkdtemp(prefix="slimmer-ab-")
    env = {k: {**os.environ, "PYTHONPATH": t, "XDG_CACHE_HOME": os.path.join(caches, k)} for k, t in trees.items()}
    cases = {"slimmer --help": ["--help"], "slimmer analyze (one file)": ["analyze", args.file]}
    if args.dir:
        count = sum(1 for _, _, files in os.walk(args.dir) for n in files if "ockerfile" in n)
        cases[f"slimmer analyze DIR ({count} files)"] = ["analyze", args.dir, "--format", "json"]
    times = {(k, c): [] for k in trees for c in cases}
    cpu = {(k, c): [] for k in trees for c in cases}  # user+sys of the child: steadier under load
    for k in trees:  # fill each cache once
        subprocess.run([sys.executable, "-m", "slimmer", "analyze", args.file], env=env[k], cwd=caches, stdout=subprocess.DEVNULL)
    for _ in range(args.runs):
        for c, argv in cases.items():
            for k in trees:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "slimmer", *argv], env=env[k], cwd=caches,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[k, c].append((time.perf_counter() - start) * 1000)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[k, c].append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    lines = [
        "# slimmer start-up, two trees side by side",
        "",
        f"Command: `python3 benchmarks/startup_ab.py --before BEFORE --after AFTER --runs {args.runs}"
        f"{' --dir DIR' if args.dir else ''}`  ",
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        "",
        "| case | before (median) | after (median) | after / before | before (min) | after (min) | CPU before (median) | CPU after (median) | CPU after / before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cases:
        b, a = times["before", c], times["after", c]
        lines.append(f"| {c} | {statistics.median(b):.1f} ms | {statistics.median(a):.1f} ms | "
                     f"{statistics.median(a) / statistics.median(b):.3f} | {min(b):.1f} ms | {min(a):.1f} ms | "
                     f"{statistics.median(cpu['before', c]):.1f} ms | {statistics.median(cpu['after', c]):.1f} ms | "
                     f"{statistics.median(cpu['after', c]) / statistics.median(cpu['before', c]):.3f} |")
    text = "\n".join(lines) + "\n"
    if args.out:
        (ROOT / "benchmarks" / "results" / f"{args.out}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
