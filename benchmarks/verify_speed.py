#!/usr/bin/env python3
"""How long `slimmer verify` takes on two images of about 1 GB, beyond their builds.

    benchmarks/verify_speed.py [--repeat 3] [--startup-seconds 10]

Builds two images on the python:3.11 base (about 0.9-1 GB each: a small HTTP app, the
second with one more layer), then times `verify_images` on them --repeat times (default
settings: a 10 s start-up window) and reports the median and the runs, reading the files
from the overlay2 layers (the default with a local engine) and through `docker export`
(the fallback), and how long one export takes. Writes benchmarks/results/verify-speed.json and .md. The images
are labelled io.slimmer.run=<id> and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APP = "import http.server\nhttp.server.HTTPServer(('0.0.0.0', 8000), http.server.SimpleHTTPRequestHandler).serve_forever()\n"


def main() -> None:
    from slimmer.build import engine as eng
    from slimmer.verify import verify_images
    from slimmer.verify.fs import ImageFS

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--startup-seconds", type=float, default=10)
    args = parser.parse_args()
    engine = eng.client()
    run_id = eng.new_run_id()
    labels = {eng.LABEL: run_id}
    try:
        with tempfile.TemporaryDirectory() as work:
            Path(work, "app.py").write_text(APP)
            common = "WORKDIR /app\nCOPY app.py .\nEXPOSE 8000\nCMD [\"python3\", \"app.py\"]\n"
            Path(work, "before.Dockerfile").write_text("FROM python:3.11\n" + common)
            Path(work, "after.Dockerfile").write_text("FROM python:3.11\nRUN echo rebuilt > /etc/rebuilt\n" + common)
            tags = {}
            for name in ("before", "after"):
                tags[name] = f"slimmer-bench/verify-speed-{run_id}:{name}"
                eng.build(work, str(Path(work, f"{name}.Dockerfile")), tags[name], labels)
        sizes = {n: engine.images.get(t).attrs["Size"] for n, t in tags.items()}
        start = time.perf_counter()
        ImageFS.export(engine, tags["before"], labels).close()
        export_s = time.perf_counter() - start
        def timed(export: bool) -> tuple[list[float], object]:
            """verify --repeat times, reading the files from the layers or (export) a tar."""
            if export:
                os.environ["SLIMMER_VERIFY_EXPORT"] = "1"
            try:
                runs, result = [], None
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    result = verify_images(engine, tags["before"], tags["after"], startup_seconds=args.startup_seconds, run_id=run_id)
                    runs.append(round(time.perf_counter() - start, 3))
                return runs, result
            finally:
                os.environ.pop("SLIMMER_VERIFY_EXPORT", None)

        runs, last = timed(False)
        export_runs, export_last = timed(True)
        out = {
            "command": "benchmarks/verify_speed.py " + " ".join(sys.argv[1:]),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "image_size_bytes": sizes,
            "startup_seconds": args.startup_seconds,
            "verify_runs_s": runs,
            "verify_median_s": round(statistics.median(runs), 3),
            "one_export_s": round(export_s, 3),
            "verify_with_export_runs_s": export_runs,
            "verify_with_export_median_s": round(statistics.median(export_runs), 3),
            "load_average_at_end": os.getloadavg(),
            "ok": last.ok and export_last.ok,
            "checks": {c.name: c.ok for c in last.checks},
        }
    finally:
        eng.cleanup(engine, run_id)
    results_dir = ROOT / "benchmarks" / "results"
    (results_dir / "verify-speed.json").write_text(json.dumps(out, indent=2) + "\n")
    md = "\n".join([
        "# slimmer verify: time on two images of about 1 GB",
        "",
        f"Command: `{out['command']}` ({out['date']}); machine: {out['machine']['cpus']} CPUs, {out['machine']['platform']}.",
        "",
        f"Images: {sizes['before'] / 1e9:.2f} GB and {sizes['after'] / 1e9:.2f} GB (python:3.11 stand-in + a small HTTP app).",
        "",
        "| how the files are read | verify, median (all checks, start-up window %g s) | runs |" % args.startup_seconds,
        "|---|---|---|",
        f"| overlay2 layers (local engine, the default) | {out['verify_median_s']:.1f} s | {runs} |",
        f"| `docker export` (fallback for a remote engine) | {out['verify_with_export_median_s']:.1f} s | {export_runs} |",
        "",
        f"One `docker export` of the 0.94 GB image alone took {out['one_export_s']:.1f} s. "
        f"Verdict: {'proven' if out['ok'] else 'failed'} ({', '.join(k for k, v in out['checks'].items() if v)} passed). "
        f"Load average at the end: {', '.join(f'{x:.1f}' for x in out['load_average_at_end'])} on {out['machine']['cpus']} CPUs.",
        "",
        "The builds are not counted. The engine was shared with other work while this ran: timings are noisy.",
    ]) + "\n"
    (results_dir / "verify-speed.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
