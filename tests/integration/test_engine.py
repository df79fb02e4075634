"""The Docker engine that the benchmarks build with: BuildKit builds, SDK runs, base images."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine

SETUP_ENGINE = Path(__file__).resolve().parents[2] / "benchmarks" / "setup-engine"
TEST_LABEL = "io.slimmer.test"  # set by the buildkit_build fixture (conftest.py)
STANDIN_LABEL = "io.slimmer.stand-in"  # set by benchmarks/setup-engine


def promised_standins() -> list[str]:
    """Every tag (with its aliases) that benchmarks/setup-engine builds as a stand-in."""
    text = SETUP_ENGINE.read_text()
    block = re.search(r"^STANDINS=\((.*?)^\)", text, re.S | re.M)
    assert block, "no STANDINS=( ... ) table in benchmarks/setup-engine"
    tags = []
    for tag, _kind, _recipe, aliases in re.findall(r'"([^"|]+)\|([^"|]*)\|([^"|]*)\|([^"|]*)"', block.group(1)):
        tags.append(tag)
        tags.extend(aliases.split())
    return tags


def test_buildkit_cache_mount_builds_and_sdk_runs_it(tmp_path, docker_engine, buildkit_build):
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:bookworm-slim\n"
        "RUN --mount=type=cache,target=/var/cache/x echo hi > /hello\n"
        "CMD cat /hello\n"
    )
    tag = f"slimmer-test/engine-smoke:{uuid.uuid4().hex[:12]}"
    result = buildkit_build(tmp_path, tag=tag)
    assert result.returncode == 0

    image = docker_engine.images.get(tag)
    assert image.labels.get(TEST_LABEL) == "1"
    output = docker_engine.containers.run(tag, remove=True)
    assert output.decode().strip() == "hi"


def test_setup_engine_standins_exist(docker_engine):
    tags = promised_standins()
    assert "python:3.11-slim" in tags and "gcr.io/distroless/python3-debian12" in tags
    have_standins = bool(docker_engine.images.list(filters={"label": f"{STANDIN_LABEL}=true"}))
    if os.environ.get("CI", "").strip().lower() != "true" and not have_standins:
        pytest.skip("no stand-in images here (checked in CI, or once setup-engine has built them)")
    missing = []
    for tag in tags:
        try:
            docker_engine.images.get(tag)
        except Exception:
            missing.append(tag)
    assert not missing, f"missing images that benchmarks/setup-engine promises: {missing}; run it (as root)"
