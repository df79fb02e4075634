"""The app corpus (benchmarks/apps/NAME/): every naive Dockerfile builds and its smoke passes.

Each app folder is a build context with a naive single-stage ``Dockerfile``, a hand-written lean
``Dockerfile.expected`` and a ``smoke.toml`` that says how to check an image of the app without
network. This module builds the naive Dockerfile of every app with BuildKit, runs the smoke
command in the image (``--network none``) and looks for the expected text in its standard output.

``load_smoke(app_dir)`` reads a smoke.toml; other tests (the rewrite's before/after checks)
import it, with ``smoke_run_args`` and ``run_smoke``.

An app folder may hold an executable ``prepare`` script, run before each build (torch-cpu's puts
the CPU wheel of torch, which is never committed, into its build context); when it fails, the
app is skipped.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
APPS_DIR = ROOT / "benchmarks" / "apps"

# The base images that benchmarks/setup-engine provides (official or stand-in); every FROM of
# the corpus names one of them or an earlier stage.
BASE_IMAGES = {
    "python:3.11",
    "python:3.11-slim",
    "node:18",
    "node:18-slim",
    "golang:1.19",
    "debian:bookworm-slim",
    "gcr.io/distroless/static-debian12",
    "gcr.io/distroless/python3-debian12",
    # AI bases (stand-ins built from Debian packages where nothing can be pulled; issue 11)
    "ubuntu:22.04",
    "nvidia/cuda:12.1.1-base-ubuntu22.04",
    "nvidia/cuda:12.1.1-runtime-ubuntu22.04",
    "nvidia/cuda:12.1.1-devel-ubuntu22.04",
    "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime",
    "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel",
    "jupyter/scipy-notebook:latest",
}


@dataclass(frozen=True)
class Smoke:
    """How to check that an image of an app works (see benchmarks/apps/README.md)."""

    command: tuple[str, ...]
    expect: str
    entrypoint: tuple[str, ...] | None = None
    timeout: float = 60

    def run_args(self) -> tuple[str | None, list[str]]:
        """(the --entrypoint value or None, the arguments after the image name).

        ``entrypoint`` is a list: its first item replaces the image's ENTRYPOINT, the rest go
        before ``command``, as `docker run --entrypoint` takes a single executable.
        """
        if self.entrypoint:
            return self.entrypoint[0], [*self.entrypoint[1:], *self.command]
        return None, list(self.command)

    def docker_run_command(self, image: str, docker: str = "docker") -> list[str]:
        """The `docker run` command line of this smoke check (no network, container removed)."""
        entrypoint, args = self.run_args()
        cmd = [docker, "run", "--rm", "--network", "none"]
        if entrypoint is not None:
            cmd += ["--entrypoint", entrypoint]
        return [*cmd, image, *args]


def load_smoke(app_dir: str | Path) -> Smoke:
    """Read APP_DIR/smoke.toml: keys entrypoint (list, optional), command (list), expect
    (a substring of the standard output), timeout (seconds, default 60)."""
    path = Path(app_dir) / "smoke.toml"
    data = tomllib.loads(path.read_text())
    unknown = set(data) - {"entrypoint", "command", "expect", "timeout"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    command = data.get("command", [])
    entrypoint = data.get("entrypoint")
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        raise ValueError(f"{path}: command must be a list of strings")
    if entrypoint is not None and (
        not isinstance(entrypoint, list) or not entrypoint or not all(isinstance(a, str) for a in entrypoint)
    ):
        raise ValueError(f"{path}: entrypoint must be a non-empty list of strings")
    expect = data.get("expect")
    if not isinstance(expect, str) or not expect:
        raise ValueError(f"{path}: expect must be a non-empty string")
    timeout = data.get("timeout", 60)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"{path}: timeout must be a positive number of seconds")
    return Smoke(
        command=tuple(command),
        expect=expect,
        entrypoint=tuple(entrypoint) if entrypoint is not None else None,
        timeout=timeout,
    )


@dataclass(frozen=True)
class Expect:
    """Whether a correct rewriter splits the app (APP_DIR/expect.toml), and why."""

    split: bool
    why: str


def load_expect(app_dir: str | Path) -> Expect:
    """Read APP_DIR/expect.toml: split (true only where a split keeps the app working and gains
    something) and why (one sentence)."""
    path = Path(app_dir) / "expect.toml"
    data = tomllib.loads(path.read_text())
    if set(data) != {"split", "why"}:
        raise ValueError(f"{path}: needs exactly the keys split and why, has {sorted(data)}")
    if not isinstance(data["split"], bool):
        raise ValueError(f"{path}: split must be true or false")
    if not isinstance(data["why"], str) or not data["why"].strip():
        raise ValueError(f"{path}: why must be a non-empty string")
    return Expect(split=data["split"], why=data["why"])


def app_dirs() -> list[Path]:
    """Every app of the corpus: the folders of benchmarks/apps with a smoke.toml."""
    return sorted(p.parent for p in APPS_DIR.glob("*/smoke.toml"))


def prepare_app(app_dir: Path) -> None:
    """Run APP_DIR/prepare when there is one; skip the test when it fails."""
    script = app_dir / "prepare"
    if not script.exists():
        return
    proc = subprocess.run([str(script)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"{app_dir.name}/prepare failed: {(proc.stderr or proc.stdout).strip()[-500:]}")


def run_smoke(client, image: str, smoke: Smoke) -> tuple[int, str, str]:
    """Run the smoke command in IMAGE through the docker SDK: (exit code, stdout, stderr).

    No network; the container is removed afterwards; a run longer than smoke.timeout is killed
    and reported with exit code -1.
    """
    entrypoint, args = smoke.run_args()
    kwargs = {"entrypoint": entrypoint} if entrypoint is not None else {}
    container = client.containers.run(image, args, detach=True, network_mode="none", **kwargs)
    try:
        try:
            code = container.wait(timeout=smoke.timeout)["StatusCode"]
        except Exception:  # requests' ReadTimeout: the smoke took too long
            container.kill()
            code = -1
        stdout = container.logs(stdout=True, stderr=False).decode(errors="replace")
        stderr = container.logs(stdout=False, stderr=True).decode(errors="replace")
    finally:
        container.remove(force=True)
    return code, stdout, stderr


def from_images(dockerfile: Path) -> list[tuple[str, str | None]]:
    """(image, stage name) of each FROM line (options such as --platform skipped)."""
    found = []
    for line in dockerfile.read_text().splitlines():
        match = re.match(r"\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


APPS = app_dirs()
APP_IDS = [p.name for p in APPS]


def test_corpus_has_the_apps():
    names = set(APP_IDS)
    assert len(names) >= 28, names
    for required in ("flask-psycopg2", "django", "torch-cpu", "go-service", "already-good", "refuse-split"):
        assert required in names


@pytest.mark.parametrize("app_dir", APPS, ids=APP_IDS)
def test_app_folder_is_complete(app_dir):
    """Both Dockerfiles and a valid smoke.toml; every FROM names a local base image or a stage."""
    smoke = load_smoke(app_dir)
    assert smoke.command or smoke.entrypoint
    expect = load_expect(app_dir)
    if app_dir.name in ("already-good", "refuse-split", "slim-nogain"):
        assert not expect.split, f"{app_dir.name}: a rewriter must not split it"
    for name in ("Dockerfile", "Dockerfile.expected"):
        dockerfile = app_dir / name
        assert dockerfile.is_file(), f"{app_dir.name} has no {name}"
        stages: set[str] = set()
        for image, stage in from_images(dockerfile):
            assert image in BASE_IMAGES or image in stages, f"{app_dir.name}/{name}: FROM {image}"
            if stage:
                stages.add(stage)
    naive_froms = from_images(app_dir / "Dockerfile")
    assert naive_froms, app_dir.name
    if app_dir.name not in ("already-good",):
        assert len(naive_froms) == 1, f"{app_dir.name}: the naive Dockerfile has one stage"
    if app_dir.name in ("already-good", "refuse-split"):
        assert (app_dir / "README.md").is_file()
    if app_dir.name == "already-good":
        assert (app_dir / "Dockerfile").read_text() == (app_dir / "Dockerfile.expected").read_text()


@pytest.mark.parametrize("app_dir", APPS, ids=APP_IDS)
def test_naive_dockerfile_builds_and_smoke_passes(app_dir, docker_engine, buildkit_build):
    smoke = load_smoke(app_dir)
    prepare_app(app_dir)
    tag = f"slimmer-test/apps-{app_dir.name}:naive-{uuid.uuid4().hex[:8]}"
    buildkit_build(app_dir, tag=tag)
    try:
        code, stdout, stderr = run_smoke(docker_engine, tag, smoke)
        assert code == 0 and smoke.expect in stdout, (
            f"{app_dir.name}: `{' '.join(smoke.docker_run_command(tag))}` exited {code}; "
            f"expected {smoke.expect!r} in stdout\n--- stdout\n{stdout[-2000:]}\n--- stderr\n{stderr[-2000:]}"
        )
    finally:
        # The naive images are large (1 GB and more each): free the space as we go.
        try:
            docker_engine.images.remove(tag, force=True)
        except Exception:
            pass
