"""Bench reports rendered from a report dict, and `slimmer report` on two results."""

from __future__ import annotations

import json

from click.testing import CliRunner

from slimmer.cli import main
from slimmer.render.bench_report import compare, to_markdown, to_table


def report(before_size=900_000_000, after_size=180_000_000):
    side = lambda size, cold, warm: {  # noqa: E731
        "image_size_bytes": size, "layers": 8, "wasted_bytes": 5_000_000, "efficiency": 0.99,
        "cold_build_s": cold, "warm_rebuild_s": warm, "cold_build_runs_s": [cold], "warm_rebuild_runs_s": [warm],
        "smoke": {"ok": True, "exit_code": 0, "output": "ok"}, "layer_sizes": [],
    }
    return {
        "dockerfile": "Dockerfile", "context": ".", "edited_file": "app.py", "repeat": 3,
        "before": side(before_size, 20.0, 18.0), "after": side(after_size, 25.0, 0.5),
        "ratios": {"image_size": after_size / before_size, "cold_build": 1.25, "warm_rebuild": 0.5 / 18},
        "equivalence": {
            "config": [{"key": "Env", "before": ["PATH=/usr/bin", "A=1"], "after": ["PATH=/opt/venv/bin:/usr/bin", "A=1"]}],
            "files": {"only_before": ["tests/test_app.py"], "only_after": [], "changed": [], "counts": {"only_before": 1, "only_after": 0, "changed": 0}},
        },
        "stand_in_base_images": True,
        "rewritten": "FROM python:3.11-slim\n",
    }


def test_table_has_every_figure():
    text = to_table(report())
    for needle in ("image size", "900.0 MB", "180.0 MB", "0.20×", "cold build", "warm rebuild", "smoke", "app.py", "stand-ins", "Env"):
        assert needle in text


def test_markdown_has_table_chart_and_equivalence():
    md = to_markdown(report(), "flowchart LR\n  s0")
    assert "| image size | 900.0 MB | 180.0 MB | 0.20× |" in md
    assert "xychart-beta" in md and "bar [900, 180]" in md
    assert "`PATH=/usr/bin`" in md and "`PATH=/opt/venv/bin:/usr/bin`" in md
    assert "`A=1`" not in md  # unchanged items are not listed
    assert "flowchart LR" in md


def test_compare_flags_growth_past_the_limit():
    text, failed = compare(report(after_size=100_000_000), report(after_size=110_000_000), 5)
    assert failed and "+10.0%" in text
    text, failed = compare(report(after_size=100_000_000), report(after_size=104_000_000), 5)
    assert not failed and "+4.0%" in text


def test_report_command_exit_codes(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(report(after_size=100_000_000)))
    new.write_text(json.dumps(report(after_size=120_000_000)))
    result = CliRunner().invoke(main, ["report", str(old), str(new), "--max-growth", "10"])
    assert result.exit_code == 1 and "+20.0%" in result.output
    assert CliRunner().invoke(main, ["report", str(old), str(new), "--max-growth", "25"]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(main, ["report", str(old), str(bad)])
    assert result.exit_code == 2 and "not a bench JSON report" in result.stderr


def test_verify_verdict_in_table_and_markdown():
    checks = [{"name": "config", "ok": True, "summary": "match", "details": []},
              {"name": "libraries", "ok": False, "summary": "libgomp.so.1 missing (package libgomp1 in BEFORE)", "details": []}]
    r = report()
    r["verify"] = {"ok": False, "checks": checks}
    text, md = to_table(r), to_markdown(r)
    assert "FAILED: libraries" in text and "libgomp.so.1 missing" in text
    assert "| verify |  | FAILED: libraries |  |" in md and "❌ **libraries**" in md and "✅ **config**" in md
    r["verify"] = {"ok": True, "checks": checks[:1]}
    assert "| verify |  | proven |  |" in to_markdown(r)
    r["after"]["smoke"] = {"ok": False, "exit_code": 1, "output": ""}
    assert "FAILED: smoke" in to_table(r)  # the smoke counts too
    del r["verify"]
    assert "verify" not in to_table(r)  # bench --no-verify: no row
