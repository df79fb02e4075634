#!/usr/bin/env python3
"""Image size of each app's naive Dockerfile against slimmer's rewrite of it, both built
here with BuildKit, with the app's smoke in both and `slimmer verify` on the pair.

    python3 benchmarks/rewrite_sizes.py [--apps a,b,...] [--output NAME]

Prints a markdown table (size before and after, ratio, smoke, verify, what the rewrite did)
and the median after/before over the apps slimmer split; writes benchmarks/results/NAME.md
and NAME.json. Builds use the engine's cache (sizes do not depend on it); everything built
is labelled io.slimmer.run=<id> and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slimmer.build import engine as eng  # noqa: E402
from slimmer.build import measure  # noqa: E402
from slimmer.build.bench import Smoke  # noqa: E402
from slimmer.parse import parse_file  # noqa: E402
from slimmer.rewrite import rewrite  # noqa: E402
from slimmer.verify import verify_images  # noqa: E402

APPS = ROOT / "benchmarks" / "apps"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apps", help="comma-separated app names (default: every app)")
    parser.add_argument("--output", default="rewrite-sizes")
    args = parser.parse_args()
    names = args.apps.split(",") if args.apps else sorted(p.name for p in APPS.iterdir() if (p / "smoke.toml").exists())
    client = eng.client()
    run_id = eng.new_run_id()
    rows = []
    try:
        for name in names:
            app = APPS / name
            result = rewrite(parse_file(app / "Dockerfile"))
            smoke = Smoke.from_toml(str(app / "smoke.toml"))
            row = {"app": name, "split": result.split, "reason": next((n.reason for n in result.notes if n.reason.startswith("not split")), "")}
            with tempfile.TemporaryDirectory() as tmp:
                rewritten = Path(tmp) / "Dockerfile.slimmer"
                rewritten.write_text(result.text)
                tags = {}
                for side, dockerfile in (("before", app / "Dockerfile"), ("after", rewritten)):
                    tag = f"slimmer-sizes/{name}:{run_id}-{side}"
                    start = time.perf_counter()
                    eng.build(str(app), str(dockerfile), tag, {eng.LABEL: run_id})
                    info = measure.inspect(client, tag)
                    ran = measure.smoke(client, tag, smoke.entrypoint, smoke.command, smoke.expect, run_id, eng.LABEL, smoke.timeout)
                    row[side] = {"size_bytes": info["size"], "smoke": ran.ok, "build_seconds": round(time.perf_counter() - start, 1)}
                    tags[side] = tag
                proof = verify_images(client, tags["before"], tags["after"], startup_seconds=5, run_id=run_id)
                row["verify"] = "proven" if proof.ok else "failed: " + ", ".join(proof.failed)
                row["verify_details"] = [f"{c.name}: {c.summary}" for c in proof.checks if not c.ok]
            row["ratio"] = round(row["after"]["size_bytes"] / row["before"]["size_bytes"], 3)
            rows.append(row)
            print(f"{name}: {row['before']['size_bytes'] / 1e6:.0f} -> {row['after']['size_bytes'] / 1e6:.0f} MB ({row['ratio']}), "
                  f"smoke {row['before']['smoke']}/{row['after']['smoke']}, verify {row['verify']}", flush=True)
    finally:
        eng.cleanup(client, run_id)
    split = [r["ratio"] for r in rows if r["split"]]
    median = statistics.median(split) if split else None
    lines = [
        f"# Image size: naive Dockerfile vs `slimmer rewrite`, built here ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"Command: `python3 benchmarks/rewrite_sizes.py{' --apps ' + args.apps if args.apps else ''} --output {args.output}` "
        "(local stand-in base images; sizes from `docker image inspect`).",
        "",
        "| app | before MB | after MB | after/before | smoke before/after | verify | rewrite |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        what = "split" if r["split"] else f"not split ({r['reason'].removeprefix('not split: ')})"
        lines.append(f"| {r['app']} | {r['before']['size_bytes'] / 1e6:.0f} | {r['after']['size_bytes'] / 1e6:.0f} | {r['ratio']} | "
                     f"{'ok' if r['before']['smoke'] else 'FAIL'}/{'ok' if r['after']['smoke'] else 'FAIL'} | {r['verify']} | {what} |")
    lines += ["", f"Median after/before over the {len(split)} apps slimmer split: {median}" if median is not None else "No app was split."]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results"
    (out / f"{args.output}.md").write_text(text)
    (out / f"{args.output}.json").write_text(json.dumps({"apps": rows, "median_split_ratio": median}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
