"""slimmer bench against a real engine: its figures agree with docker's own, wasted bytes
match an image whose waste is known, failures and Ctrl-C leave nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from slimmer.build import engine as eng
from slimmer.build import measure

pytestmark = pytest.mark.engine

GO_APP = {
    "go.mod": "module hello\n\ngo 1.19\n",
    "main.go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tif len(os.Args) > 1 && os.Args[1] == "-selftest" {\n\t\tfmt.Println("selftest ok")\n\t\treturn\n\t}\n\tfmt.Println("hello")\n}\n',
    "Dockerfile": "FROM golang:1.19\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/hello .\nENTRYPOINT [\"/usr/local/bin/hello\"]\n",
    "smoke.toml": 'command = ["-selftest"]\nexpect = "selftest ok"\n',
}


def write(folder, files):
    for name, text in files.items():
        (folder / name).write_text(text)


def slimmer(*args, cwd=None, timeout=900):
    return subprocess.run([sys.executable, "-m", "slimmer", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def labelled(docker_engine):
    images = docker_engine.images.list(filters={"label": eng.LABEL})
    containers = docker_engine.containers.list(all=True, filters={"label": eng.LABEL})
    return images, containers


def left_behind(docker_engine, before_images) -> tuple[list, list]:
    """Labelled images and containers that a bench left: those that are new since
    `before_images` and carry bench's own tags (slimmer-bench/...) or none at all. Other
    slimmer runs on the same engine (a corpus run, a verify) make images of their own."""
    known = {i.id for i in before_images}
    images, containers = labelled(docker_engine)
    new = [i for i in images if i.id not in known and (not i.tags or any(t.startswith("slimmer-bench/") for t in i.tags))]
    mine = [c for c in containers if str(c.attrs.get("Config", {}).get("Image", "")).startswith("slimmer-bench/")]
    return new, mine


def test_wasted_bytes_of_a_file_deleted_in_a_later_layer(tmp_path, docker_engine):
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:bookworm-slim\nRUN head -c 50000000 /dev/zero > /big.bin\nRUN rm /big.bin\n"
    )
    run_id = eng.new_run_id()
    tag = f"slimmer-test/waste:{run_id}"
    try:
        eng.build(str(tmp_path), str(tmp_path / "Dockerfile"), tag, {eng.LABEL: run_id, "io.slimmer.test": "1"})
        found = measure.contents(docker_engine, tag)
        assert 50_000_000 <= found.wasted_bytes < 50_100_000
        assert "/big.bin" not in found.tree
        # The same figure without the delete: nothing is wasted by that file.
        info = measure.inspect(docker_engine, tag)
        inspected = subprocess.run(["/usr/bin/docker", "image", "inspect", "-f", "{{.Size}}", tag], capture_output=True, text=True)
        assert info["size"] == int(inspected.stdout.strip())
        assert info["layers"] == len(docker_engine.images.get(tag).attrs["RootFS"]["Layers"])
    finally:
        eng.cleanup(docker_engine, run_id)


def test_build_time_agrees_with_a_hand_timed_build(tmp_path, docker_engine):
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm-slim\nRUN sleep 2 && echo done > /done\n")
    run_id = eng.new_run_id()
    try:
        start = time.perf_counter()
        result = eng.build(str(tmp_path), str(tmp_path / "Dockerfile"), f"slimmer-test/timed:{run_id}", {eng.LABEL: run_id}, no_cache=True)
        wall = time.perf_counter() - start
        assert 2.0 <= result.seconds <= wall
        assert wall - result.seconds < 0.5
    finally:
        eng.cleanup(docker_engine, run_id)


def test_bench_reports_every_figure_and_cleans_up(tmp_path, docker_engine):
    write(tmp_path, GO_APP)
    before_images, _ = labelled(docker_engine)
    out = tmp_path / "report.json"
    result = slimmer("bench", str(tmp_path / "Dockerfile"), "--repeat", "1", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    for side in ("before", "after"):
        figures = report[side]
        for key in ("image_size_bytes", "layers", "wasted_bytes", "cold_build_s", "warm_rebuild_s"):
            assert isinstance(figures[key], (int, float)) and figures[key] >= 0, (side, key)
        assert figures["smoke"] == {"ok": True, "exit_code": 0, "output": figures["smoke"]["output"]}
        assert "selftest ok" in figures["smoke"]["output"]
    assert report["after"]["image_size_bytes"] < report["before"]["image_size_bytes"] / 10
    assert report["ratios"]["image_size"] == pytest.approx(
        report["after"]["image_size_bytes"] / report["before"]["image_size_bytes"], rel=1e-3
    )
    assert report["edited_file"] == "main.go"
    keys = {d["key"] for d in report["equivalence"]["config"]}
    assert "Entrypoint" not in keys and "Cmd" not in keys
    # bench runs verify by default: the Go binary on distroless is proven equivalent.
    checks = {c["name"]: c for c in report["verify"]["checks"]}
    assert set(checks) >= {"config", "executables", "libraries", "files", "startup"}
    assert report["verify"]["ok"], json.dumps(report["verify"], indent=1)
    assert left_behind(docker_engine, before_images) == ([], [])


def test_markdown_report_has_the_chart_and_the_graph(tmp_path, docker_engine):
    write(tmp_path, GO_APP)
    result = slimmer("bench", str(tmp_path / "Dockerfile"), "--repeat", "1", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "| image size |" in result.stdout
    assert "xychart-beta" in result.stdout and "flowchart LR" in result.stdout


def test_failed_build_names_the_step_and_exits_2(tmp_path, docker_engine):
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm-slim\nRUN echo fine\nRUN exit 3\nCMD [\"true\"]\n")
    before, _ = labelled(docker_engine)
    result = slimmer("bench", str(tmp_path / "Dockerfile"), "--repeat", "1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "RUN exit 3" in result.stderr
    assert result.stderr.splitlines()[0].startswith(f"slimmer: {tmp_path / 'Dockerfile'}:3: ")
    assert left_behind(docker_engine, before) == ([], [])


def test_ctrl_c_during_a_build_leaves_nothing_behind(tmp_path, docker_engine):
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm-slim\nRUN echo first > /first\nRUN sleep 60\nCMD [\"true\"]\n")
    before, _ = labelled(docker_engine)
    proc = subprocess.Popen(
        [sys.executable, "-m", "slimmer", "bench", str(tmp_path / "Dockerfile"), "--repeat", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(8)  # well into the `sleep 60` step
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    time.sleep(2)
    assert left_behind(docker_engine, before) == ([], [])


def test_report_compares_two_local_images(tmp_path, docker_engine):
    (tmp_path / "small").write_text("FROM debian:bookworm-slim\nRUN echo small > /x\n")
    (tmp_path / "big").write_text("FROM debian:bookworm-slim\nRUN head -c 20000000 /dev/zero > /big.bin\n")
    run_id = eng.new_run_id()
    try:
        for name in ("small", "big"):
            eng.build(str(tmp_path), str(tmp_path / name), f"slimmer-test/{name}:{run_id}", {eng.LABEL: run_id})
        result = slimmer("report", "--image", f"slimmer-test/small:{run_id}", "--image", f"slimmer-test/big:{run_id}", "--max-growth", "5")
        assert result.returncode == 1, result.stderr
        assert "| image size |" in result.stdout and "❌" in result.stdout
        reverse = slimmer("report", "--image", f"slimmer-test/big:{run_id}", "--image", f"slimmer-test/small:{run_id}", "--max-growth", "5")
        assert reverse.returncode == 0 and "✅" in reverse.stdout
        missing = slimmer("report", "--image", "slimmer-test/nope:none", "--image", f"slimmer-test/big:{run_id}")
        assert missing.returncode == 2 and "no local image" in missing.stderr
    finally:
        eng.cleanup(docker_engine, run_id)
