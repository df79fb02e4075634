"""Which Dockerfile features a target engine builds (slimmer.build.engine.dockerfile_features)
and how a bench report names the engine it ran on."""

from __future__ import annotations

import pytest

from slimmer.build.engine import dockerfile_features, frontend_for_buildkit, frontend_for_engine
from slimmer.parse import parse_text
from slimmer.render.bench_report import engine_text


@pytest.mark.parametrize(
    "version, frontend, heredoc",
    [
        ("20.10.24+dfsg1", (1, 2), False),  # this machine's engine: heredocs fail to build
        ("23.0.6", (1, 4), True),
        ("24.0.7", (1, 5), True),
        ("26.1.5+dfsg1", (1, 7), True),  # the modern engine of setup-engine --modern
        ("28.1.1", (1, 15), True),
    ],
)
def test_engine_version_gives_its_built_in_frontend(version, frontend, heredoc):
    assert frontend_for_engine(version) == frontend
    features = dockerfile_features(engine_version=version)
    assert features.version == frontend
    assert features.heredoc is heredoc and features.copy_link is heredoc
    assert features.run_mount  # every BuildKit-built-in frontend since Docker 20.10


def test_old_engines_and_unknown_targets_promise_no_more_than_20_10():
    old = dockerfile_features(engine_version="19.03.15")
    assert not old.run_mount and not old.heredoc  # RUN --mount needed an experimental syntax line
    unknown = dockerfile_features()
    assert unknown.version is None
    assert unknown.run_mount and not unknown.heredoc and not unknown.copy_link and not unknown.add_checksum
    assert not dockerfile_features(engine_version="not a version").heredoc


@pytest.mark.parametrize(
    "syntax, heredoc, copy_link, add_checksum",
    [
        ("docker/dockerfile:1", True, True, True),
        ("docker/dockerfile:1.4", True, True, False),
        ("docker/dockerfile:1.4.3", True, True, False),
        ("docker/dockerfile:1.3", False, False, False),
        ("docker/dockerfile:1.3-labs", True, False, False),  # heredocs came to labs first
        ("docker/dockerfile:1.6", True, True, True),
        ("docker.io/docker/dockerfile:1.7.0@sha256:" + "a" * 64, True, True, True),
        ("docker/dockerfile", True, True, True),  # latest
    ],
)
def test_syntax_line_decides_over_the_engine(syntax, heredoc, copy_link, add_checksum):
    # The syntax line's frontend runs on any BuildKit engine, 20.10 included.
    f = dockerfile_features(syntax=syntax, engine_version="20.10.24")
    assert (f.heredoc, f.copy_link, f.add_checksum) == (heredoc, copy_link, add_checksum)
    assert f.run_mount
    assert f.frontend == f"syntax {syntax}"


def test_an_older_syntax_line_limits_a_newer_engine():
    f = dockerfile_features(syntax="docker/dockerfile:1.2", engine_version="26.1.5")
    assert f.run_mount and not f.heredoc and not f.copy_link


def test_experimental_syntax_had_run_mount():
    f = dockerfile_features(syntax="docker/dockerfile:1.0-experimental")
    assert f.run_mount and not f.heredoc


def test_another_frontend_image_promises_nothing():
    f = dockerfile_features(syntax="example.com/my/frontend:3", engine_version="26.1.5")
    assert not (f.run_mount or f.heredoc or f.copy_link or f.add_checksum)
    assert "unknown frontend" in f.frontend


def test_buildx_builder_buildkit_version():
    assert frontend_for_buildkit("v0.13.2") == (1, 7)
    assert frontend_for_buildkit("v0.8.3") == (1, 2)
    assert dockerfile_features(buildkit_version="v0.12.5").add_checksum
    assert not dockerfile_features(buildkit_version="v0.8.3").heredoc
    # Debian's docker driver reports "v0.0.0+unknown": no promise beyond 20.10's.
    assert not dockerfile_features(buildkit_version="v0.0.0+unknown").heredoc


def test_features_from_a_parsed_dockerfile():
    df = parse_text("# syntax=docker/dockerfile:1.4\nFROM scratch\n", "Dockerfile")
    assert dockerfile_features(syntax=df.directives.get("syntax"), engine_version="20.10.24").heredoc
    plain = parse_text("FROM scratch\n", "Dockerfile")
    assert not dockerfile_features(syntax=plain.directives.get("syntax"), engine_version="20.10.24").heredoc


def test_supports_by_name():
    f = dockerfile_features(engine_version="26.1.5")
    assert f.supports("heredoc") and f.supports("copy_link")
    assert not dockerfile_features(engine_version="20.10.24").supports("copy_link")


def test_bench_report_names_the_engine():
    report = {"engine": {"host": "tcp://127.0.0.1:12375", "engine": "Docker Engine", "version": "26.1.5",
                         "api_version": "1.45", "build": "docker buildx build --load", "builder": "slimmer-modern",
                         "builder_driver": "docker", "buildkit": None}}  # fmt: skip
    text = engine_text(report)
    assert text == ("Docker Engine 26.1.5 (API 1.45) at tcp://127.0.0.1:12375; BuildKit via buildx builder "
                    "slimmer-modern (docker)")  # fmt: skip
    local = {"engine": {**report["engine"], "host": "unix:///var/run/docker.sock", "builder": None, "build": "/usr/bin/docker build"}}
    assert "at the local socket; BuildKit via /usr/bin/docker build" in engine_text(local)
    assert engine_text({}) is None


def _fake_docker(tmp_path, endpoint: str) -> str:
    """A `docker` that has buildx and knows one context, slimmer-modern, at ENDPOINT."""
    script = tmp_path / "docker"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = buildx ] && [ "$2" = version ]; then echo "github.com/docker/buildx 0.13.1"; exit 0; fi\n'
        f'if [ "$1" = context ] && [ "$2" = inspect ] && [ "$3" = slimmer-modern ]; then echo "{endpoint}"; exit 0; fi\n'
        "exit 1\n"
    )
    script.chmod(0o755)
    return str(tmp_path)


def test_a_context_builder_builds_from_its_context(tmp_path, monkeypatch):
    from slimmer.build.engine import build_command

    monkeypatch.setenv("PATH", _fake_docker(tmp_path, "tcp://127.0.0.1:12375"))
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:12375")
    docker = str(tmp_path / "docker")
    assert build_command("slimmer-modern") == (docker, "--context", "slimmer-modern", "buildx", "build", "--load")
    # A builder that is not a context (kubernetes, docker-container, remote) is named with --builder.
    assert build_command("k8s") == (docker, "buildx", "build", "--load", "--builder", "k8s")


def test_a_context_builder_on_another_engine_than_docker_host_is_refused(tmp_path, monkeypatch):
    from slimmer.build.engine import build_command
    from slimmer.errors import SlimmerError

    monkeypatch.setenv("PATH", _fake_docker(tmp_path, "tcp://build-box:2375"))
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:12375")
    with pytest.raises(SlimmerError, match="set DOCKER_HOST=tcp://build-box:2375"):
        build_command("slimmer-modern")
