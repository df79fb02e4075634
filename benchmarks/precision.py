#!/usr/bin/env python3
"""Precision of slimmer's findings on public Dockerfiles, from a hand review.

    python3 benchmarks/precision.py [--cases /work/corpus/cases] [--slimmer EXE] [--label NAME]

Runs `slimmer analyze` on every case of the public corpus (folders with a Dockerfile, their
build context and a SOURCE.txt naming repo, commit and path; never committed) and counts the
findings per rule. benchmarks/results/precision-review.toml lists the findings judged wrong in
the hand review of every finding (keyed by source, rule and line); all others were judged
right. With --slimmer pointing at an install of the reviewed commit the table is the review's;
with this checkout it shows which wrong findings are still reported. Writes
benchmarks/results/precision-<label>.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parity import RESULTS, cases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=Path("/work/corpus/cases"))
    parser.add_argument("--slimmer", help="slimmer executable (default: this checkout)")
    parser.add_argument("--label", default="now")
    args = parser.parse_args()
    review = tomllib.loads((RESULTS / "precision-review.toml").read_text())
    wrong = {(w["source"], w["rule"], w["line"]): w for w in review["wrong"]}
    public = cases(args.cases)
    by_path = {str(p): source for p, source in public}
    cmd = ([args.slimmer] if args.slimmer else [sys.executable, "-m", "slimmer"]) + ["analyze", "--format", "json", "--fail-level", "error"]
    found: list[tuple[str, str, int, str]] = []
    for i in range(0, len(public), 40):
        out = subprocess.run(cmd + [str(p) for p, _ in public[i:i + 40]], capture_output=True, text=True)
        for item in json.loads(out.stdout or "[]"):
            found.append((by_path.get(item["file"], item["file"]), item["rule"], item["line"], item["message"]))

    def judged_wrong(source: str, rule: str, line: int, message: str) -> bool:
        w = wrong.get((source, rule, line))
        return w is not None and w.get("when", "") in message

    total = Counter(r for _, r, _, _ in found)
    bad = Counter(f[1] for f in found if judged_wrong(*f))
    rows = []
    for rule in sorted(total):
        n, w = total[rule], bad[rule]
        rows.append({"rule": rule, "findings": n, "right": n - w, "wrong": w, "precision": round((n - w) / n, 3)})
    result = {"command": "python3 benchmarks/precision.py " + " ".join(sys.argv[1:]), "files": len(public),
              "findings": len(found), "rows": rows,
              "wrong_still_reported": sorted(f"{f[0]} {f[1]} line {f[2]}" for f in found if judged_wrong(*f))}
    (RESULTS / f"precision-{args.label}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(to_markdown(result))


def to_markdown(r: dict) -> str:
    lines = [f"Command: `{r['command']}` — {r['files']} public Dockerfiles, {r['findings']} findings", "",
             "| rule | findings | right | wrong | right % |", "|---|---|---|---|---|"]
    for row in r["rows"]:
        lines.append(f"| {row['rule']} | {row['findings']} | {row['right']} | {row['wrong']} | {100 * row['precision']:.0f} |")
    n = sum(x["findings"] for x in r["rows"])
    w = sum(x["wrong"] for x in r["rows"])
    lines += [f"| all | {n} | {n - w} | {w} | {100 * (n - w) / max(n, 1):.1f} |", ""]
    if r["wrong_still_reported"]:
        lines += ["Findings judged wrong that are still reported: " + "; ".join(r["wrong_still_reported"]), ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
