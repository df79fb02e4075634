"""Modern Dockerfiles and remote engines, built for real.

- On this machine's engine (Docker 20.10): a `# syntax=docker/dockerfile:1.4` line is served by
  the frontend stand-in that benchmarks/setup-engine builds, so heredocs and `COPY --link` build.
- On the modern engine (`benchmarks/setup-engine --modern`: Docker 26 with buildx in a
  container, reached over DOCKER_HOST=tcp://127.0.0.1:PORT): `slimmer bench` builds, inspects,
  exports, runs, verifies and cleans up there, with and without `--builder`, for a public-shaped Dockerfile
  with a syntax line, heredocs, `COPY --link` and `RUN --mount`, before and after its rewrite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from slimmer.build import engine as eng

pytestmark = pytest.mark.engine

APP = Path(__file__).resolve().parents[1] / "fixtures" / "modern" / "heredoc-app"
RUN_LABEL = eng.LABEL  # io.slimmer.run: every image and container bench makes
SMOKE = "python -c 'import app; print(app.greet())'"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _copy_app(tmp_path: Path) -> Path:
    ctx = tmp_path / "heredoc-app"
    shutil.copytree(APP, ctx)
    return ctx


def _slimmer(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "slimmer", *args], env=env, capture_output=True, text=True, timeout=timeout)


def _state(client) -> tuple[set[str], set[str]]:
    """The ids of every image and container on an engine."""
    images = {image.id for image in client.images.list(all=True)}
    containers = {c.id for c in client.containers.list(all=True)}
    return images, containers


def _labelled(client) -> tuple[list, list]:
    return (
        client.images.list(filters={"label": RUN_LABEL}),
        client.containers.list(all=True, filters={"label": RUN_LABEL}),
    )


# ------------------------------------------------------------------ this machine's engine


def test_syntax_line_with_heredoc_builds_on_the_host_engine(tmp_path, docker_engine, buildkit_build):
    try:
        frontend = docker_engine.images.get("docker/dockerfile:1.4")
    except Exception:
        if in_ci():
            raise
        pytest.skip("no docker/dockerfile:1.4 image here: run benchmarks/setup-engine (it builds the frontend stand-in)")
    assert (frontend.labels or {}).get("io.slimmer.stand-in") == "true" or not in_ci()
    version = docker_engine.version()["Version"]
    # The engine's own frontend cannot build heredocs; the syntax line's frontend can.
    assert not eng.dockerfile_features(engine_version=version).heredoc
    assert eng.dockerfile_features(syntax="docker/dockerfile:1.4").heredoc

    ctx = _copy_app(tmp_path)
    tag = f"slimmer-test/heredoc-host:{uuid.uuid4().hex[:12]}"
    buildkit_build(ctx, tag=tag)
    out = docker_engine.containers.run(tag, ["python", "-c", "import app; print(app.greet())"], remove=True)
    assert out.decode().strip() == "hello from a heredoc"
    # The heredoc RUN ran: the app user exists and the image runs as it.
    assert docker_engine.images.get(tag).attrs["Config"]["User"] == "app"
    out = docker_engine.containers.run(tag, ["id", "-un"], remove=True)
    assert out.decode().strip() == "app"


def test_without_the_syntax_line_the_host_engine_refuses_the_heredoc(tmp_path, docker_engine, buildkit_build):
    """The other half of the claim: it is the frontend stand-in that makes heredocs build here."""
    version = docker_engine.version()["Version"]
    if eng.dockerfile_features(engine_version=version).heredoc:
        pytest.skip(f"this engine ({version}) builds heredocs by itself")
    ctx = _copy_app(tmp_path)
    text = (ctx / "Dockerfile").read_text()
    (ctx / "Dockerfile").write_text(text.split("\n", 1)[1])  # drop `# syntax=...`
    with pytest.raises(AssertionError, match="exited"):  # conftest's BuildFailed
        buildkit_build(ctx)


# ------------------------------------------------------------------------ the modern engine


@pytest.mark.modern_engine
def test_engine_detection_reports_the_modern_engine(modern_engine, monkeypatch):
    for key in ("DOCKER_HOST", "DOCKER_CONFIG", "PATH"):
        monkeypatch.setenv(key, modern_engine.env[key])
    info = eng.describe(eng.client())
    assert info.host == modern_engine.host
    assert info.version.startswith("26.")
    assert tuple(int(x) for x in info.api_version.split(".")) >= (1, 45)
    assert info.build.endswith("buildx build --load") and info.buildx
    assert info.builder_driver == "docker"
    assert info.features.heredoc and info.features.copy_link and info.features.run_mount

    named = eng.describe(eng.client(), modern_engine.builder)
    assert named.builder == modern_engine.builder and named.builder_driver == "docker"
    # A docker-driver builder is its docker context: buildx is run from that context.
    assert f"--context {modern_engine.builder} buildx build --load" in named.build


def _bench(modern_engine, ctx: Path, *extra: str) -> dict:
    proc = _slimmer("bench", str(ctx / "Dockerfile"), "--repeat", "1", "--format", "json", "--smoke", SMOKE,
                    "--smoke-expect", "hello from a heredoc", *extra, env=modern_engine.env)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.mark.modern_engine
def test_bench_over_docker_host_builds_measures_runs_and_cleans_up(tmp_path, modern_engine, docker_engine):
    client = modern_engine.client
    before_images, before_containers = _state(client)
    ctx = _copy_app(tmp_path)

    report = _bench(modern_engine, ctx)

    assert report["engine"]["host"] == modern_engine.host
    assert report["engine"]["version"].startswith("26.")
    # Both Dockerfiles keep the modern syntax and built there.
    assert "COPY --link" in report["rewritten"] and "RUN <<EOF" in report["rewritten"]
    assert report["rewritten"].startswith("# syntax=docker/dockerfile:1.4")
    for side in ("before", "after"):
        assert report[side]["image_size_bytes"] > 10_000_000  # python:3.11-slim and more
        assert report[side]["layers"] >= 3
        assert report[side]["smoke"]["ok"], report[side]["smoke"]
        assert "hello from a heredoc" in report[side]["smoke"]["output"]
    assert report["equivalence"]["config"] == [] or all(d["key"] != "User" for d in report["equivalence"]["config"])
    # slimmer verify ran there too (bench runs it): the files come through `docker export`,
    # since that engine's layers are not on this machine, and the rewrite is proven.
    checks = {c["name"]: c for c in report["verify"]["checks"]}
    assert {"config", "executables", "libraries", "python", "files", "startup"} <= set(checks), sorted(checks)
    assert report["verify"]["ok"], [c for c in checks.values() if not c["ok"]]

    # Cleanup: nothing labelled is left, and nothing that was there before is gone.
    images, containers = _labelled(client)
    assert not images and not containers, (images, containers)
    after_images, after_containers = _state(client)
    assert before_images <= after_images, f"bench removed images it did not make: {before_images - after_images}"
    assert before_containers <= after_containers
    assert not (after_containers - before_containers), "bench left containers behind"
    # And it made nothing on this machine's own engine.
    run = {"label": f"{RUN_LABEL}={report['run_id']}"}
    assert not docker_engine.images.list(filters=run) and not docker_engine.containers.list(all=True, filters=run)


@pytest.mark.modern_engine
def test_bench_with_a_buildx_builder(tmp_path, modern_engine):
    client = modern_engine.client
    before_images, _ = _state(client)
    ctx = _copy_app(tmp_path)

    report = _bench(modern_engine, ctx, "--builder", modern_engine.builder)

    assert report["engine"]["builder"] == modern_engine.builder
    assert report["engine"]["builder_driver"] == "docker"
    assert f"--context {modern_engine.builder} buildx build" in report["engine"]["build"]
    for side in ("before", "after"):
        assert report[side]["smoke"]["ok"], report[side]["smoke"]
    images, containers = _labelled(client)
    assert not images and not containers
    assert before_images <= _state(client)[0]


@pytest.mark.modern_engine
def test_modern_engine_builds_heredocs_without_a_syntax_line(tmp_path, modern_engine):
    """Docker 26's own frontend builds heredocs, COPY --link and RUN --mount (20.10's does not)."""
    assert eng.dockerfile_features(engine_version=modern_engine.client.version()["Version"]).heredoc
    ctx = _copy_app(tmp_path)
    text = (ctx / "Dockerfile").read_text()
    (ctx / "Dockerfile").write_text(text.split("\n", 1)[1])
    tag = f"slimmer-test/heredoc-modern:{uuid.uuid4().hex[:12]}"
    modern_engine.build(ctx, tag)
    out = modern_engine.client.containers.run(tag, ["python", "-c", "import app; print(app.greet())"], remove=True)
    assert out.decode().strip() == "hello from a heredoc"
