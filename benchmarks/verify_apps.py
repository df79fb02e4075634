#!/usr/bin/env python3
"""`slimmer rewrite --verify` on every app in benchmarks/apps: does each rewrite pass
`slimmer verify` against its original (repairing missing runtime libraries, at most
twice)?

    benchmarks/verify_apps.py [--apps a,b,...]

For each app: rewrite, build the original and the rewrite, verify (with the app's
smoke.toml), repair. Writes benchmarks/results/verify-apps.json and .md; with --apps, the
other apps keep their earlier rows. Everything built is labelled and removed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "benchmarks" / "apps"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))


def verify_app(app: Path) -> dict:
    from slimmer.build.bench import Smoke
    from slimmer.parse import parse_file
    from slimmer.rewrite import rewrite
    from slimmer.verify.repair import verify_rewrite

    if (app / "prepare").exists():
        subprocess.run([str(app / "prepare")], check=True)
    result = rewrite(parse_file(app / "Dockerfile"))
    smoke = Smoke.from_toml(str(app / "smoke.toml")) if (app / "smoke.toml").exists() else None
    start = time.perf_counter()
    outcome = verify_rewrite(result.original, result.text, str(app), smoke=smoke)
    return {
        "app": app.name,
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "split": result.split,
        "ok": outcome.ok,
        "failed": {c.name: c.summary for c in outcome.result.checks if not c.ok},
        "checks": [c.name for c in outcome.result.checks],
        "repairs": [r.describe() for r in outcome.repairs],
        "notes": outcome.notes,
        "seconds_with_builds": round(time.perf_counter() - start, 1),
        "verify_seconds": round(outcome.result.seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", help="comma-separated subset")
    args = parser.parse_args()
    apps = sorted(p for p in APPS.iterdir() if (p / "Dockerfile").exists())
    if args.apps:
        wanted = set(args.apps.split(","))
        apps = [a for a in apps if a.name in wanted]
    command = " ".join(["benchmarks/verify_apps.py", *sys.argv[1:]])
    out_json = RESULTS / "verify-apps.json"
    previous = json.loads(out_json.read_text()) if args.apps and out_json.exists() else {"apps": [], "commands": []}
    rows: list[dict] = []
    for app in apps:
        print(f"{app.name} ...", file=sys.stderr, flush=True)
        try:
            row = verify_app(app)
        except Exception as exc:  # one app's failure is a row
            row = {"app": app.name, "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "error": str(exc)[:500]}
        rows.append(row)
        print(f"{app.name}: {'proven' if row.get('ok') else row.get('error') or row.get('failed')}", file=sys.stderr, flush=True)
        write(previous, rows, command)  # after every app: a stopped run keeps what it measured


def write(previous: dict, rows: list[dict], command: str) -> None:
    out_json = RESULTS / "verify-apps.json"
    fresh = {r["app"] for r in rows}
    rows = sorted([r for r in previous["apps"] if r["app"] not in fresh] + rows, key=lambda r: r["app"])
    commands = previous.get("commands", []) + [command]
    summary = {"commands": commands, "apps": rows, "proven": sum(1 for r in rows if r.get("ok")), "total": len(rows)}
    out_json.write_text(json.dumps(summary, indent=2) + "\n")
    lines = ["# slimmer rewrite --verify on every app", "", "Commands: " + ", ".join(f"`{c}`" for c in commands) + ".", "",
             f"Proven: {summary['proven']} of {summary['total']} apps measured.", "", "| app | verify | repairs | measured | verify time |", "|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['app']} | ERROR: {r['error'][:120]} | – | {r['measured']} | – |")
            continue
        verdict = "proven" if r["ok"] else "FAILED: " + " ".join("; ".join(f"{k}: {v}" for k, v in r["failed"].items()).split())[:300]
        lines.append(f"| {r['app']} | {verdict} | {'; '.join(r['repairs']) or '–'} | {r['measured']} | {r['verify_seconds']} s |")
    (RESULTS / "verify-apps.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
