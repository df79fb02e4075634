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


def build_command(builder: str | None = None) -> tuple[str, ...]:
    """The BuildKit build command here: `docker buildx build --load` where buildx answers,
    else a docker client with BuildKit built in (DOCKER_BUILDKIT=1), preferring Debian's
    /usr/bin/docker where the one on PATH lacks buildx. Detected once for each PATH and
    DOCKER_CONFIG (where the client finds its buildx plugin and builders)."""
    return _build_command(builder, os.environ.get("PATH", ""), os.environ.get("DOCKER_CONFIG", ""))


@lru_cache(maxsize=None)
def _build_command(builder: str | None, _path: str, _docker_config: str) -> tuple[str, ...]:
    docker = shutil.which("docker") or "/usr/bin/docker"
    try:
        has_buildx = subprocess.run([docker, "buildx", "version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        has_buildx = False
    if has_buildx:
        if builder and _context_builder(docker, builder):
            # A docker-driver builder is a docker context's engine: buildx builds on it only
            # from that context ("use `docker --context=NAME buildx`").
            return (docker, "--context", builder, "buildx", "build", "--load")
        cmd = [docker, "buildx", "build", "--load"]
        if builder:
            cmd += ["--builder", builder]
        return tuple(cmd)
    if builder:
        raise SlimmerError("--builder needs docker buildx, which this docker client does not have")
    if os.path.exists("/usr/bin/docker"):
        return ("/usr/bin/docker", "build")
    return (docker, "build")


def _context_builder(docker: str, name: str) -> bool:
    """True if NAME is a docker context (whose engine is a docker-driver buildx builder); raises
    when that engine is not the one DOCKER_HOST names, where slimmer inspects and runs images."""
    try:
        proc = subprocess.run([docker, "context", "inspect", name, "--format", "{{.Endpoints.docker.Host}}"],
                              capture_output=True, text=True, timeout=30)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    if proc.returncode != 0:
        return False
    endpoint = proc.stdout.strip()
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if endpoint and endpoint.rstrip("/") != host.rstrip("/"):
        raise SlimmerError(
            f"--builder {name} builds on the engine of docker context {name} ({endpoint}), but slimmer measures "
            f"and runs images on DOCKER_HOST ({host}): set DOCKER_HOST={endpoint}"
        )
    return True


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


# ----------------------------------------------------------------- which engine, which features

# The Dockerfile frontend built into each Docker engine release (the BuildKit it vendors:
# 20.10 -> 0.8, 23.0 -> 0.10, 24.0 -> 0.11, 25.0 -> 0.12, 26 -> 0.13, 27.0 -> 0.14 ...) and the
# frontend version each BuildKit release carries (0.8 -> dockerfile 1.2, 0.10 -> 1.4, ...).
# One table for each fact; the features follow from the frontend version.
_ENGINE_BUILDKIT = ((18, 9, (0, 3)), (19, 3, (0, 6)), (20, 10, (0, 8)), (23, 0, (0, 10)), (24, 0, (0, 11)),
                    (25, 0, (0, 12)), (26, 0, (0, 13)), (27, 0, (0, 14)), (27, 1, (0, 15)), (27, 2, (0, 16)),
                    (27, 4, (0, 17)), (28, 0, (0, 20)), (28, 1, (0, 21)), (28, 2, (0, 22)), (28, 4, (0, 23)))  # fmt: skip
_BUILDKIT_FRONTEND = ((0, 3, (1, 0)), (0, 8, (1, 2)), (0, 9, (1, 3)), (0, 10, (1, 4)), (0, 11, (1, 5)),
                      (0, 12, (1, 6)), (0, 13, (1, 7)), (0, 14, (1, 8)), (0, 15, (1, 9)), (0, 16, (1, 10)),
                      (0, 17, (1, 11)), (0, 18, (1, 12)), (0, 19, (1, 13)), (0, 20, (1, 14)), (0, 21, (1, 15)),
                      (0, 22, (1, 16)), (0, 23, (1, 17)))  # fmt: skip
# The first frontend version with each feature (labs builds had heredocs one release early).
_FEATURE_SINCE = {"run_mount": (1, 2), "heredoc": (1, 4), "copy_link": (1, 4), "add_checksum": (1, 6)}
_LABS_EARLIER = {"heredoc": (1, 3)}
_NEWEST = _BUILDKIT_FRONTEND[-1][2]
_OFFICIAL_FRONTEND = re.compile(r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?docker/dockerfile(?::(?P<tag>[^@\s]+))?(?:@\S+)?$")


@dataclass(frozen=True)
class DockerfileFeatures:
    """Which Dockerfile features a build will accept: `RUN --mount`, heredocs (`RUN <<EOF`),
    `COPY --link` and `ADD --checksum`. ``frontend`` says what decided it (a `# syntax=` line
    or the engine's built-in frontend) and ``version`` the Dockerfile frontend version assumed
    (None when unknown: then nothing newer than what Docker 20.10 builds is promised)."""

    frontend: str
    version: tuple[int, int] | None
    run_mount: bool
    heredoc: bool
    copy_link: bool
    add_checksum: bool

    def supports(self, feature: str) -> bool:
        return bool(getattr(self, feature))


def _version_tuple(text: str | None) -> tuple[int, ...] | None:
    m = re.match(r"^v?(\d+)(?:\.(\d+))?", (text or "").strip())
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2) or 0))


def _lookup(table, version: tuple[int, ...]):
    found = None
    for major, minor, value in table:
        if (major, minor) <= tuple(version[:2]):
            found = value
    return found


def frontend_for_engine(engine_version: str | None) -> tuple[int, int] | None:
    """The Dockerfile frontend version built into a Docker engine release (None if unknown)."""
    v = _version_tuple(engine_version)
    bk = _lookup(_ENGINE_BUILDKIT, v) if v else None
    return _lookup(_BUILDKIT_FRONTEND, bk) if bk else None


def frontend_for_buildkit(buildkit_version: str | None) -> tuple[int, int] | None:
    """The Dockerfile frontend version that a BuildKit release (a buildx builder's buildkitd) carries."""
    v = _version_tuple(buildkit_version)
    return _lookup(_BUILDKIT_FRONTEND, v) if v else None


def dockerfile_features(
    syntax: str | None = None, engine_version: str | None = None, buildkit_version: str | None = None
) -> DockerfileFeatures:
    """The Dockerfile features the target builds, from the file's `# syntax=` line (the
    frontend image it names decides) or else from the builder's BuildKit version (a buildx
    builder) or the Docker engine's version (its built-in frontend). Unknown targets get what
    Docker 20.10 builds with BuildKit (RUN --mount, no heredocs, no COPY --link); a `# syntax=`
    line naming a frontend other than docker/dockerfile gets no feature at all. A rewrite that
    follows this never emits a feature its target cannot build."""
    labs = False
    if syntax:
        m = _OFFICIAL_FRONTEND.match(syntax.strip())
        if not m:  # another frontend image: its features are its own
            return DockerfileFeatures(f"syntax {syntax.strip()} (unknown frontend)", None, False, False, False, False)
        tag = (m.group("tag") or "latest").lower()
        labs = tag.endswith("labs")
        tag = tag.removesuffix("-labs").removesuffix("labs")
        if tag in ("", "latest", "1", "experimental"):
            version = _NEWEST
        elif tag.startswith("1.") and _version_tuple(tag):
            version = _version_tuple(tag)[:2]  # type: ignore[index]
            labs = labs or "experimental" in tag
        else:  # 0.x, 2.x, a digest-only tag: no promise
            return DockerfileFeatures(f"syntax {syntax.strip()}", None, False, False, False, False)
        source = f"syntax {syntax.strip()}"
    elif buildkit_version:
        version = frontend_for_buildkit(buildkit_version)
        source = f"BuildKit {buildkit_version} (built-in frontend)"
    elif engine_version:
        version = frontend_for_engine(engine_version)
        source = f"Docker {engine_version} (built-in frontend)"
    else:
        version = None
        source = "unknown engine"
    if version is None:
        version_known = None
        effective = (1, 2)  # what Docker 20.10's BuildKit builds
    else:
        version_known = effective = version  # type: ignore[assignment]
    flags = {}
    for feature, since in _FEATURE_SINCE.items():
        if labs and feature in _LABS_EARLIER:
            since = _LABS_EARLIER[feature]
        flags[feature] = effective >= since
    # `1.0-experimental` / `1.1-experimental` had RUN --mount before 1.2 made it stable.
    if syntax and labs and effective >= (1, 0):
        flags["run_mount"] = True
    return DockerfileFeatures(source, version_known, **flags)


@dataclass(frozen=True)
class EngineInfo:
    """Which engine slimmer talks to and how it builds, for reports."""

    host: str
    engine: str
    version: str
    api_version: str
    os: str
    build: str  # the build command's first words
    buildx: str | None  # `docker buildx version`, None without buildx
    builder: str | None
    builder_driver: str | None
    buildkit: str | None  # the builder's BuildKit version, when buildx says it
    features: DockerfileFeatures

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _buildx_inspect(docker: str, builder: str | None) -> tuple[str | None, str | None, str | None]:
    """(builder name, driver, BuildKit version) from `docker buildx inspect [NAME]`."""
    cmd = [docker, "buildx", "inspect"] + ([builder] if builder else [])
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return builder, None, None
    name = driver = kit = None
    for line in out.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "name" and name is None:
            name = value
        elif key == "driver" and driver is None:
            driver = value
        elif key == "buildkit" and value and kit is None:  # buildx 0.10+: "BuildKit version: v0.13.2"
            kit = value
        elif key == "buildkit version" and value and kit is None:
            kit = value
    return name or builder, driver, kit


def describe(engine, builder: str | None = None) -> EngineInfo:
    """What `engine` (a docker SDK client) is and how slimmer builds on it (`builder`: a buildx builder)."""
    version = engine.version()
    host = os.environ.get("DOCKER_HOST", "") or "unix:///var/run/docker.sock"
    cmd = build_command(builder)
    buildx_version = name = driver = kit = None
    if "buildx" in cmd:
        try:
            buildx_version = subprocess.run([cmd[0], "buildx", "version"], capture_output=True, text=True, timeout=30).stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            pass
        name, driver, kit = _buildx_inspect(cmd[0], builder)
    engine_name = next((c.get("Name") for c in version.get("Components", []) if c.get("Name")), None) or "Docker Engine"
    if engine_name == "Engine":
        engine_name = "Docker Engine"
    if kit and driver and driver != "docker":
        features = dockerfile_features(buildkit_version=kit)
    else:
        features = dockerfile_features(engine_version=version.get("Version"))
    return EngineInfo(
        host=host,
        engine=engine_name,
        version=version.get("Version", "?"),
        api_version=version.get("ApiVersion", "?"),
        os=f"{version.get('Os', '?')}/{version.get('Arch', '?')}",
        build=" ".join(cmd),
        buildx=buildx_version,
        builder=name if builder or driver else None,
        builder_driver=driver,
        buildkit=kit,
        features=features,
    )
