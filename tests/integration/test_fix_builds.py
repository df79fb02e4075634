"""`slimmer analyze --fix` leaves Dockerfiles buildable: the apps' naive Dockerfiles are
fixed (safe fixes), fixed again (nothing changes), built on the engine and smoke-tested."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slimmer.build import engine as eng
from slimmer.build import measure
from slimmer.build.bench import Smoke

pytestmark = pytest.mark.engine

APPS_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "apps"
# Apps whose Dockerfiles get safe fixes from several rules (apt lists, pip and npm caches).
APPS = ["flask-psycopg2", "django", "express", "refuse-split", "pipenv-app"]


def fix(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "slimmer", "analyze", "--fix", str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("app", APPS)
def test_fixed_dockerfile_builds_and_works(app, tmp_path, docker_engine):
    context = tmp_path / app
    shutil.copytree(APPS_DIR / app, context)
    dockerfile = context / "Dockerfile"
    original = dockerfile.read_text()
    first = fix(dockerfile)
    assert first.returncode in (0, 1), first.stderr
    fixed = dockerfile.read_text()
    assert fixed != original and "fixed " in first.stderr
    second = fix(dockerfile)
    assert dockerfile.read_text() == fixed, "--fix is not idempotent"
    assert "fixed " not in second.stderr
    # Every line the fixes did not touch is still there, byte for byte.
    kept = [line for line in original.splitlines(keepends=True) if line in fixed]
    assert len(kept) >= len(original.splitlines()) - first.stderr.count("fixed ")
    run_id = eng.new_run_id()
    tag = f"slimmer-test/fixed-{app}:{run_id}"
    try:
        eng.build(str(context), str(dockerfile), tag, {eng.LABEL: run_id, "io.slimmer.test": "1"})
        smoke = Smoke.from_toml(str(context / "smoke.toml"))
        result = measure.smoke(docker_engine, tag, smoke.entrypoint, smoke.command, smoke.expect, run_id, eng.LABEL, smoke.timeout)
        assert result.ok, result.output
    finally:
        eng.cleanup(docker_engine, run_id)
