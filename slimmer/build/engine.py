"""Building with BuildKit and talking to the engine.

Builds go through the CLI: the docker SDK's `images.build` only drives the legacy builder
(no `RUN --mount`, docker-py#2230). Everything else (inspect, run, save, remove) goes
through the SDK. Every image and container slimmer creates carries a label naming the
run, so cleanup removes exactly those and never an image slimmer did not make.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from slimmer.errors import SlimmerError

LABEL = "io.slimmer.run"
_STEP = re.compile(r"^#\d+ \[(?:(?P<stage>[^\]]*?) )?(?P<n>\d+)/(?P<total>\d+)\] (?P<what>.*)$")
_ERROR_STEP = re.compile(r"^(?:#\d+ )?ERROR(?:: process| \[)")


class BuildFailed(SlimmerError):
    """A build exited non-zero: names the failing step and shows the end of its log."""

    def __init__(self, dockerfile: str, step: str | None, line: int | None, tail: str):
        where = f"step {step} failed" if step else "the build failed"
        super().__init__(f"{where}; last lines of the build log:\n{tail}", dockerfile, line)
        self.step = step
        self.tail = tail


class EngineMissing(SlimmerError):
    """No Docker engine answers."""


@lru_cache(maxsize=None)
def build_command(builder: str | None = None) -> tuple[str, ...]:
    """The BuildKit build command here: `docker buildx build --load` where buildx answers,
    else a docker client with BuildKit built in (DOCKER_BUILDKIT=1), preferring Debian's
    /usr/bin/docker where the one on PATH lacks buildx."""
    docker = shutil.which("docker") or "/usr/bin/docker"
    try:
        has_buildx = subprocess.run([docker, "buildx", "version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        has_buildx = False
    if has_buildx:
        cmd = [docker, "buildx", "build", "--load"]
        if builder:
            cmd += ["--builder", builder]
        return tuple(cmd)
    if builder:
        raise SlimmerError("--builder needs docker buildx, which this docker client does not have")
    if os.path.exists("/usr/bin/docker"):
        return ("/usr/bin/docker", "build")
    return (docker, "build")


def client():
    """A docker SDK client for DOCKER_HOST (or the local socket); a clear error if none answers."""
    import docker  # slow to import: only commands that talk to the engine need it

    try:
        c = docker.from_env(timeout=300)
        c.ping()
    except Exception as exc:
        raise EngineMissing(f"no Docker engine answers ({type(exc).__name__}); start one or set DOCKER_HOST") from None
    return c


@dataclass
class BuildResult:
    tag: str
    seconds: float
    steps_cached: int
    steps_total: int
    log: list[str] = field(repr=False, default_factory=list)


def _failing_step(log: list[str]) -> tuple[str | None, int | None]:
    """The step that failed, from BuildKit's plain progress (` > [3/6] RUN ...`) and the
    Dockerfile line it names (`Dockerfile:12`)."""
    step, line = None, None
    for text in log:
        m = re.match(r"^\s*>\s*\[(?:[^\]]*?\s)?(\d+/\d+)\]\s*(.*)$", text)
        if m:
            step = f"[{m.group(1)}] {m.group(2)}".strip().rstrip(":")
        m = re.search(r"Dockerfile[^:\s]*:(\d+)", text)
        if m:
            line = int(m.group(1))
    if step is None:
        for text in reversed(log):
            m = _STEP.match(text)
            if m:
                step = f"[{m.group('n')}/{m.group('total')}] {m.group('what')}"
                break
    return step, line


def build(
    context: str,
    dockerfile: str,
    tag: str,
    labels: dict[str, str],
    no_cache: bool = False,
    builder: str | None = None,
    progress: Callable[[str], None] | None = None,
    timeout: float = 3600,
) -> BuildResult:
    cmd = list(build_command(builder)) + ["--progress=plain", "-t", tag, "-f", dockerfile]
    for key, value in labels.items():
        cmd += ["--label", f"{key}={value}"]
    if no_cache:
        cmd.append("--no-cache")
    cmd.append(context)
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    start = time.perf_counter()
    log: list[str] = []
    cached = total = 0
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            text = raw.rstrip("\n")
            log.append(text)
            m = _STEP.match(text)
            if m and progress:
                progress(f"[{m.group('n')}/{m.group('total')}] {m.group('what')[:60]}")
            if text.endswith(" CACHED"):
                cached += 1
            if m:
                total = max(total, int(m.group("total")))
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise BuildFailed(dockerfile, None, None, f"timed out after {timeout:.0f}s")
        code = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    seconds = time.perf_counter() - start
    if code != 0:
        step, line = _failing_step(log)
        raise BuildFailed(dockerfile, step, line, "\n".join(log[-20:]))
    return BuildResult(tag, seconds, cached, total, log)


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def cleanup(engine, run_id: str) -> int:
    """Remove the containers and images labelled with this run; returns how many images."""
    removed = 0
    for container in engine.containers.list(all=True, filters={"label": f"{LABEL}={run_id}"}):
        try:
            container.remove(force=True)
        except Exception:
            pass
    for image in engine.images.list(filters={"label": f"{LABEL}={run_id}"}):
        try:
            engine.images.remove(image.id, force=True)
            removed += 1
        except Exception:
            pass
    return removed
