"""Issue 10: analyze reads only files of the build context, regular and of bounded size,
and says when a file the Dockerfile names was not read."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from slimmer.cli import main
from slimmer.rules import context_files
from slimmer.rules.facts_python import read_requirements


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def ctx(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "torch.txt").write_text("torch==2.3.0\n")
    context = tmp_path / "app"
    context.mkdir()
    context_files.skipped()
    return context, outside


@pytest.fixture
def opened(monkeypatch):
    """Every path os.open / open is asked for while the test runs."""
    seen = []
    real_os_open, real_open = os.open, open

    def os_open(path, *a, **kw):
        seen.append(os.path.realpath(path))
        return real_os_open(path, *a, **kw)

    def py_open(path, *a, **kw):
        if isinstance(path, (str, bytes, os.PathLike)):
            seen.append(os.path.realpath(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr("builtins.open", py_open)
    return seen


def test_requirements_outside_the_context_are_not_read(ctx, opened):
    context, outside = ctx
    assert read_requirements(str(context), "../secret/torch.txt") is None
    assert not any(p.startswith(str(outside)) for p in opened)
    assert ("../secret/torch.txt", "outside the build context") in context_files.skipped()


def test_a_symlink_out_of_the_context_is_not_followed(ctx, opened):
    context, outside = ctx
    (context / "requirements.txt").symlink_to(outside / "torch.txt")
    assert read_requirements(str(context), "requirements.txt") is None
    assert not any(p.startswith(str(outside)) for p in opened)


def test_nested_requirements_cannot_escape(ctx, opened):
    context, outside = ctx
    (context / "requirements.txt").write_text("flask\n-r ../secret/torch.txt\n")
    assert read_requirements(str(context), "requirements.txt") == ["flask"]
    assert not any(p.startswith(str(outside)) for p in opened)


@pytest.mark.parametrize("name", ["/etc/passwd", "/proc/self/environ", "/dev/zero"])
def test_absolute_system_paths_are_never_read(ctx, opened, name):
    context, _ = ctx
    read_requirements(str(context), name)
    assert not any(p.startswith(("/etc", "/proc", "/dev")) for p in opened)


def test_device_and_fifo_in_the_context_are_not_read(ctx, opened):
    context, _ = ctx
    os.mkfifo(context / "fifo.txt")
    (context / "zero.txt").symlink_to("/dev/zero")
    assert read_requirements(str(context), "fifo.txt") is None  # would block for ever
    assert read_requirements(str(context), "zero.txt") is None  # would never end
    why = dict(context_files.skipped())
    assert why["fifo.txt"] == "not a regular file"
    assert why["zero.txt"] == "outside the build context"


def test_size_is_capped(ctx):
    context, _ = ctx
    (context / "big.txt").write_bytes(b"flask\n" * (context_files.MAX_BYTES // 6 + 10))
    assert read_requirements(str(context), "big.txt") is None
    assert dict(context_files.skipped())["big.txt"].startswith("larger than")


def test_analyze_says_what_it_did_not_read(ctx):
    context, outside = ctx
    df = context / "Dockerfile"
    df.write_text("FROM python:3.11-slim\nCOPY . .\nRUN pip install -r ../secret/torch.txt\n"
                  "ADD ../../../../etc/hostname /x\n")
    result = run("analyze", df)
    assert result.exit_code in (0, 1), result.stderr
    assert f"{df}: note: did not read ../secret/torch.txt: outside the build context" in result.stderr
    assert "SLM015" not in result.stdout  # the torch pin outside the context was not seen
