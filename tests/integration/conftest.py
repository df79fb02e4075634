"""Fixtures for the integration tests that build and run real images (marker ``engine``).

``docker_engine`` is a ``docker.DockerClient`` for the engine that ``docker.from_env()`` finds.
With no engine answering, a test that asks for it fails in CI (``CI=true``) and is skipped on a
developer's machine, with the hint to run ``benchmarks/setup-engine``.

``buildkit_build`` builds with BuildKit through the CLI (the SDK's ``images.build`` only knows
the legacy builder, so no ``RUN --mount``). Every image it builds carries the label
``io.slimmer.test=1``, and ``io.slimmer.test.session=<id of this pytest session>``; when the
session ends, the images with both labels are removed (not those of a pytest session that
runs at the same time on the same engine).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Iterable

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP_ENGINE = ROOT / "benchmarks" / "setup-engine"
TEST_LABEL = "io.slimmer.test"
SESSION_LABEL = "io.slimmer.test.session"
SESSION_ID = uuid.uuid4().hex[:16]
STANDIN_LABEL = "io.slimmer.stand-in"
SETUP_HINT = (
    "run `benchmarks/setup-engine` (as root) to install and start a Docker engine and, where it "
    "cannot pull, build the local base images; then run the tests again"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _no_engine(reason: str) -> None:
    message = f"no Docker engine answers ({reason}); {SETUP_HINT}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def docker_engine():
    """A docker.DockerClient that answers; removes the images the tests built at the end."""
    try:
        import docker
    except ImportError as exc:  # pragma: no cover - docker is a dependency of slimmer
        _no_engine(f"the docker SDK is not installed: {exc}")
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as exc:  # DockerException, connection refused, missing socket, ...
        _no_engine(f"{type(exc).__name__}: {exc}")
    yield client
    try:
        remove_test_images(client)
    finally:
        client.close()


def remove_test_images(client) -> None:
    """Remove the images labelled io.slimmer.test that this session built (buildkit_build)."""
    for image in client.images.list(filters={"label": [f"{TEST_LABEL}=1", f"{SESSION_LABEL}={SESSION_ID}"]}):
        try:
            client.images.remove(image.id, force=True)
        except Exception:  # already gone, or shared with a running container
            pass


def build_command() -> tuple[str, ...]:
    """The BuildKit build command slimmer itself uses on this machine (one detection for
    the product and the tests)."""
    from slimmer.build.engine import build_command as detect

    return detect()


class BuildFailed(AssertionError):
    """A BuildKit build exited non-zero; the message ends with the last 30 lines of its log."""


def buildkit_build(
    context_dir: str | os.PathLike,
    dockerfile: str | os.PathLike | None = None,
    tag: str | None = None,
    extra_args: Iterable[str] = (),
    timeout: float = 1800,
) -> subprocess.CompletedProcess:
    """Build context_dir with BuildKit; return the CompletedProcess (output in .stdout).

    dockerfile: path of the Dockerfile, relative to context_dir unless absolute (default: the
    context's Dockerfile). tag: the image's tag (default: a fresh slimmer-test/...:latest); the
    tag used is also set as the result's ``.tag``. Every image is labelled io.slimmer.test=1
    (and with this session's id, for the clean-up at the end of the session).
    Raises BuildFailed with the last 30 lines of the build log when the build fails.
    """
    context = Path(context_dir)
    tag = tag or f"slimmer-test/build-{uuid.uuid4().hex[:12]}:latest"
    cmd = [*build_command(), "--progress=plain", "--label", f"{TEST_LABEL}=1"]
    cmd += ["--label", f"{SESSION_LABEL}={SESSION_ID}", "-t", tag]
    if dockerfile is not None:
        path = Path(dockerfile)
        cmd += ["-f", str(path if path.is_absolute() else context / path)]
    cmd += [*extra_args, str(context)]
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    try:
        proc = subprocess.run(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        tail = "\n".join(output.splitlines()[-30:])
        raise BuildFailed(f"{' '.join(cmd)} timed out after {timeout}s; last lines:\n{tail}") from None
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-30:])
        raise BuildFailed(f"{' '.join(cmd)} exited {proc.returncode}; last 30 lines of the log:\n{tail}")
    proc.tag = tag
    return proc


@pytest.fixture(name="buildkit_build")
def buildkit_build_fixture(docker_engine):
    """The buildkit_build function, once an engine answers (see docker_engine)."""
    return buildkit_build


# ------------------------------------------------------------- the modern engine (--modern)

MODERN_DIR = Path(os.environ.get("SLIMMER_MODERN_DIR", "/var/lib/slimmer-modern"))
MODERN_HINT = (
    "run `benchmarks/setup-engine --modern` (as root) to start the Docker 26 engine in a container "
    "on tcp://127.0.0.1:12375; then run the tests again"
)


class ModernEngine:
    """The modern engine of ``benchmarks/setup-engine --modern``: ``env`` is os.environ with its
    DOCKER_HOST, DOCKER_CONFIG (the buildx plugin and the slimmer-modern context) and PATH (its
    docker 26 client first); ``client`` a docker SDK client for it; ``builder`` the buildx
    builder (docker driver) that setup-engine made for it."""

    def __init__(self, env: dict[str, str], client, builder: str):
        self.env, self.client, self.builder = env, client, builder
        self.host = env["DOCKER_HOST"]

    def docker(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(["docker", *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def build(self, context_dir: str | os.PathLike, tag: str) -> subprocess.CompletedProcess:
        """`docker buildx build --load` there, labelled for this session's clean-up."""
        proc = self.docker("buildx", "build", "--load", "--progress=plain", "--label", f"{TEST_LABEL}=1",
                           "--label", f"{SESSION_LABEL}={SESSION_ID}", "-t", tag, str(context_dir))  # fmt: skip
        if proc.returncode != 0:
            raise BuildFailed(f"buildx build on {self.host} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        return proc


def _modern_env() -> dict[str, str]:
    env_file = MODERN_DIR / "env"
    if not env_file.exists():
        raise FileNotFoundError(f"{env_file} does not exist")
    env = dict(os.environ)
    for line in env_file.read_text().splitlines():
        if not line.strip() or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        env[key] = value.replace("$PATH", os.environ.get("PATH", ""))
    return env


@pytest.fixture(scope="session")
def modern_engine():
    """The modern engine (ModernEngine); fails in CI when it does not answer, else skips."""
    import docker

    try:
        env = _modern_env()
        client = docker.DockerClient(base_url=env["DOCKER_HOST"], timeout=120)
        client.ping()
    except Exception as exc:
        message = f"the modern engine does not answer ({type(exc).__name__}: {exc}); {MODERN_HINT}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield ModernEngine(env, client, env.get("SLIMMER_MODERN_BUILDER", "slimmer-modern"))
    try:
        remove_test_images(client)
    finally:
        client.close()
