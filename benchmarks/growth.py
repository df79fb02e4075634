#!/usr/bin/env python3
"""Does analyze's cost grow linearly with the Dockerfile? Time and peak memory of
`slimmer analyze` (parse, stage graph, every rule) on generated Dockerfiles of N and 4N
instructions, each measured in a fresh process; the ratio 4N/N must stay at most --limit
(4.5: linear growth with some slack) for time and for memory.

    python3 benchmarks/growth.py [--small 5000] [--large 20000] [--limit 4.5] [--repeat 3]

Shapes: `env` (ENV lines: each instruction's variable scope), `stages` (a FROM chain:
the "does this stage ship" walk), `mixed` (ENV/ARG/RUN/COPY/WORKDIR in stages of 50, one in three built FROM the
stage before it),
`long-run` (one RUN of N commands: the shell parse). Time is the CPU time of one analyze
(parse included) after the imports and a one-line analyze (CPU time, not wall time: the
shared machines' load swings wall time several-fold between two runs); memory is the peak of Python's allocations (tracemalloc)
during a second analyze of the same text, the shell-parse cache emptied first. Writes
benchmarks/results/OUT.md (growth.md) and exits 1 when a ratio is over the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

CHILD = r"""
import gc, json, sys, time, tracemalloc
from slimmer.model import shell
from slimmer.parse import parse_text
from slimmer.rules.engine import analyze
analyze(parse_text("FROM python:3.11-slim\nRUN pip install flask\n"))
text = open(sys.argv[1]).read()
start = time.process_time()
findings = analyze(parse_text(text, sys.argv[1]))
seconds = time.process_time() - start
del findings
shell._CACHE.clear()
gc.collect()
tracemalloc.start()
findings = analyze(parse_text(text, sys.argv[1]))
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"seconds": seconds, "kib": peak / 1024, "findings": len(findings)}))
"""


def env(n: int) -> str:
    return "FROM python:3.11-slim\nENV BASE=/opt\n" + "".join(f"ENV VAR_{i}=value_{i}_$BASE\n" for i in range(n - 2))


def stages(n: int) -> str:
    out = ["FROM python:3.11-slim AS s0\n"]
    out += [f"FROM s{i - 1} AS s{i}\n" for i in range(1, n)]
    return "".join(out)


def mixed(n: int) -> str:
    out, count, stage = [], 0, 0
    while count < n:
        base = ("python:3.11-slim", "debian:bookworm-slim", f"s{max(stage - 1, 0)}")[stage % 3] if stage else "python:3.11"
        out.append(f"FROM {base} AS s{stage}\n")
        count += 1
        for j in range(49):
            if count >= n:
                break
            k = j % 7
            out.append([
                f"ENV E{stage}_{j}=v{j}\n",
                f"ARG A{stage}_{j}=a{j}\n",
                f"RUN apt-get update && apt-get install -y pkg{j} && pip install p{j}\n",
                f"COPY f{j} /app/f{j}\n",
                f"WORKDIR /app/d{j}\n",
                f"RUN --mount=type=cache,target=/root/.cache/pip pip install -r req{j}.txt\n",
                f"COPY --from=s{max(stage - 1, 0)} /x{j} /y{j}\n" if stage else f"LABEL l{j}=v\n",
            ][k])
            count += 1
        stage += 1
    return "".join(out)


def long_run(n: int) -> str:
    return "FROM python:3.11-slim\nRUN " + " && ".join(f"echo {i}" for i in range(n)) + "\n"


SHAPES = {"env": env, "stages": stages, "mixed": mixed, "long-run": long_run}


def measure(text: str, repeat: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as fh:
        fh.write(text)
    try:
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, "-c", CHILD, fh.name], capture_output=True, text=True, check=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tempfile.gettempdir())
            runs.append(json.loads(out.stdout))
        return {"seconds": statistics.median(r["seconds"] for r in runs), "kib": statistics.median(r["kib"] for r in runs)}
    finally:
        os.unlink(fh.name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=5000)
    ap.add_argument("--large", type=int, default=20000)
    ap.add_argument("--limit", type=float, default=4.5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--out", default="growth", help="results file name in benchmarks/results (without .md)")
    args = ap.parse_args()
    lines = [
        "# Growth of analyze's cost with the Dockerfile's size",
        "",
        f"Command: `python3 benchmarks/growth.py --small {args.small} --large {args.large} --limit {args.limit} "
        f"--repeat {args.repeat} --shapes {args.shapes} --out {args.out}`  ",
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; medians of {args.repeat} fresh processes",
        "",
        f"| shape | CPU time at {args.small} | CPU time at {args.large} | time ratio | memory at {args.small} | memory at {args.large} | memory ratio | within {args.limit}x |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok = True
    for name in args.shapes.split(","):
        small, large = (measure(SHAPES[name](n), args.repeat) for n in (args.small, args.large))
        t = large["seconds"] / small["seconds"]
        m = large["kib"] / small["kib"]
        good = t <= args.limit and m <= args.limit
        ok = ok and good
        lines.append(f"| {name} | {small['seconds']:.2f} s | {large['seconds']:.2f} s | {t:.2f} | "
                     f"{small['kib'] / 1024:.1f} MiB | {large['kib'] / 1024:.1f} MiB | {m:.2f} | {'yes' if good else 'NO'} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.md").write_text(text)
    print(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
