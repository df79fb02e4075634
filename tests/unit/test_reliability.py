"""Issue 10: hostile input gets exit 2 and one `FILE:LINE: message` (never exit 3 or a
traceback), the rewrite's own bugs are internal errors that name slimmer, and the PR size
gate cannot be fooled."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from slimmer.cli import main
from slimmer.errors import escape

FLASK = "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(tmp_path, text, name="Dockerfile"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


# --- internal errors on bad input --------------------------------------------------


@pytest.mark.parametrize("command", ["analyze", "rewrite", "graph"])
def test_exec_form_of_a_thousand_brackets_is_no_recursion_error(tmp_path, command):
    p = write(tmp_path, "FROM python:3.11\nCMD " + "[" * 1000 + "\n")
    result = run(command, p)
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.stderr and "RecursionError" not in result.stderr


def test_mount_with_a_carriage_return_is_no_csv_error(tmp_path):
    p = write(tmp_path, "FROM python:3.11\nRUN --mount=type=cache,target=/x\r,id=y true\n")
    result = run("analyze", p)
    assert result.exit_code in (0, 1), result.stderr
    assert "internal error" not in result.stderr


def test_superscript_two_is_not_a_stage_index(tmp_path):
    p = write(tmp_path, "FROM python:3.11\nFROM python:3.11\nCOPY --from=\u00b2 /a /a\n")
    result = run("analyze", p)
    assert result.exit_code in (0, 1), result.stderr
    assert "internal error" not in result.stderr
    result = run("graph", p, "--target", "\u00b2")
    assert result.exit_code == 2
    assert "target stage" in result.stderr and "internal error" not in result.stderr


def test_output_into_a_missing_folder_is_a_path_message(tmp_path):
    p = write(tmp_path, FLASK)
    out = tmp_path / "nowhere" / "Dockerfile.opt"
    result = run("rewrite", p, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"slimmer: {out}: cannot write")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["in-place", "fix", "output"])
def test_unwritable_folder_is_a_path_message(tmp_path, monkeypatch, how):
    """A read-only folder (simulated: the tests run as root, who may write anywhere)."""
    import errno
    import os

    p = write(tmp_path, FLASK)
    real_open = os.open

    def deny(path, flags, *a, **kw):
        if os.path.basename(str(path)).startswith(".slimmer-"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr("slimmer.fileio.os.open", deny)
    args = {"in-place": ["rewrite", p, "--in-place"], "fix": ["analyze", p, "--fix"],
            "output": ["rewrite", p, "-o", tmp_path / "out"]}[how]
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "cannot write: Permission denied" in result.stderr and "Traceback" not in result.stderr
    assert p.read_text() == FLASK
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".slimmer-")]


def test_disk_full_is_a_path_message_and_leaves_the_file(tmp_path, monkeypatch):
    import errno
    import os

    p = write(tmp_path, FLASK)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("slimmer.fileio.os.write", full)
    result = run("rewrite", p, "--in-place")
    assert result.exit_code == 2
    assert f"{p}: cannot write: No space left on device" in result.stderr
    assert p.read_text() == FLASK
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def test_read_only_existing_backup_is_kept_and_a_numbered_one_written(tmp_path):
    p = write(tmp_path, FLASK)
    bak = write(tmp_path, "old backup\n", "Dockerfile.bak")
    bak.chmod(0o444)
    result = run("rewrite", p, "--in-place")
    assert result.exit_code == 0, result.stderr
    assert bak.read_text() == "old backup\n"
    assert (tmp_path / "Dockerfile.1.bak").read_text() == FLASK
    assert "the original is in " + str(tmp_path / "Dockerfile.1.bak") in result.stderr


@pytest.mark.parametrize("line", ["FRO\x1b[2JB\u2028NICATE x", "RUN --x\r::error::forged\x1b[2J\u2028=1 true"])
def test_control_characters_are_escaped_in_messages(tmp_path, line):
    p = write(tmp_path, f"FROM python:3.11\n{line}\n")
    result = run("analyze", p)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\u2028" not in result.stderr
    assert "\r" not in result.stderr.rstrip("\n")
    assert "\\x1b" in result.stderr


def test_escape_covers_c0_c1_and_unicode_separators():
    assert escape("a\rb\x1bc\x85d\u2028e\u202ef\tg") == "a\\rb\\x1bc\\x85d\\u2028e\\u202ef\tg"


# --- the rewrite's own bugs ----------------------------------------------------------


def test_a_rewrite_that_does_not_parse_is_slimmers_internal_error(tmp_path):
    """A two-line file ending in a backslash made the rewrite emit a cycle, reported as
    line 10 of the user's two-line file."""
    text = "FROM python:3.11\nRUN pip install -r requirements.txt \\"
    p = write(tmp_path, text)
    for args in (["rewrite", p], ["rewrite", p, "--in-place"]):
        result = run(*args)
        if result.exit_code == 0:  # the rewrite was fixed meanwhile: its output must parse
            continue
        assert result.exit_code == 3, result.stderr
        assert "internal error in slimmer" in result.stderr
        assert "report it" in result.stderr and "not in your file" in result.stderr
        assert f"{p}:10" not in result.stderr
        assert p.read_text() == text


def test_internal_error_at_the_reparse_names_slimmer(monkeypatch):
    """Whatever transformation breaks the text, the self-check at the end reports it as
    slimmer's bug, with no line of the user's file."""
    from slimmer import rewrite as rw
    from slimmer.errors import InternalError
    from slimmer.parse import parse_text

    monkeypatch.setattr(rw, "_hygiene", lambda text, path, opts, changes, rewritten=False: text + "FROM a AS b\nFROM b AS b\n")
    with pytest.raises(InternalError) as info:
        rw.rewrite(parse_text(FLASK, "Dockerfile"))
    assert info.value.exit_code == 3 and info.value.line is None
    assert "does not parse" in str(info.value)


def test_the_users_own_errors_still_blame_the_users_lines(tmp_path):
    p = write(tmp_path, "FROM a AS x\nFROM x AS y\nCOPY --from=y /a /a\n")
    result = run("rewrite", p)
    assert result.exit_code == 2
    assert "internal error" not in result.stderr


# --- the PR size gate -------------------------------------------------------------------


def bench(size, layers=5, wasted=0):
    return {"after": {"image_size_bytes": size, "layers": layers, "wasted_bytes": wasted}}


@pytest.mark.parametrize(
    "doc, says",
    [
        ("[]", "expected a JSON object, got a list"),
        ("{}", "neither"),
        ('{"after": {"layers": 1, "wasted_bytes": 0}}', "after.image_size_bytes: missing"),
        ('{"after": {"image_size_bytes": 1, "wasted_bytes": 0}}', "after.layers: missing"),
        ('{"after": {"image_size_bytes": "1", "layers": 1, "wasted_bytes": 0}}', "got a string"),
        ('{"image_size_bytes": 1' + "0" * 400 + "}", "too large"),
        ('{"image_size_bytes": 1e400}', "got a fraction"),
        ('{"image_size_bytes": Infinity}', "Infinity"),
        ('{"image_size_bytes": NaN}', "NaN"),
        ('{"image_size_bytes": true}', "got a boolean"),
        ('{"image_size_bytes": -140}', "negative"),
        ('{"after": {"image_size_bytes": 1, "layers": "<img src=x>", "wasted_bytes": 0}}', "after.layers"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_report_refuses_what_is_not_a_bench_result(tmp_path, doc, says):
    old = write(tmp_path, json.dumps(bench(100)), "old.json")
    new = write(tmp_path, doc, "new.json")
    result = run("report", old, new, "--max-growth", "10")
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert f"{new}: not a bench JSON report" in result.stderr and says in result.stderr


@pytest.mark.parametrize("old_size, new_size", [(0, 100), (None, 100), (100, None)])
def test_gate_fails_when_growth_cannot_be_measured(tmp_path, old_size, new_size):
    old = write(tmp_path, json.dumps(bench(old_size)), "old.json")
    new = write(tmp_path, json.dumps(bench(new_size)), "new.json")
    result = run("report", old, new, "--max-growth", "10")
    assert result.exit_code == 1
    assert "cannot be measured" in result.stdout
    # without a gate there is nothing to fail: the report only says so
    assert run("report", old, new).exit_code == 0


@pytest.mark.parametrize("limit", ["nan", "inf", "-inf"])
def test_gate_limit_must_be_finite(tmp_path, limit):
    old = write(tmp_path, json.dumps(bench(100)), "old.json")
    result = run("report", old, old, "--max-growth", limit)
    assert result.exit_code == 2 and "finite" in result.stderr


def test_markdown_cells_cannot_inject():
    from slimmer.render.bench_report import md_cell

    cell = md_cell("x | <img src=x onerror=alert(1)> [a](http://e) \r\n::error::y")
    assert "|" not in cell and "<" not in cell and "[" not in cell and "\n" not in cell and "\r" not in cell


# --- found by tests/unit/test_fuzz.py ------------------------------------------------------


def test_a_split_that_moves_no_build_is_not_made(tmp_path):
    """Seed 20261201, input 30: the split gave a builder stage the runtime copies nothing
    from, and rewriting that output split again into a second `builder` (not idempotent)."""
    from slimmer.parse import parse_text
    from slimmer.rewrite import rewrite

    text = ("# syntax=docker/dockerfile:1\nFROM python:3.12-slim AS build\n"
            "COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /uvx /bin/\nWORKDIR /app\nCOPY pypr}ojec")
    result = rewrite(parse_text(text))
    assert "AS builder" not in result.text and not result.split
    assert any(n.kind == "split" and n.reason.startswith("not split") for n in result.notes)
    assert rewrite(parse_text(result.text)).text == result.text


def test_a_file_with_a_stage_named_builder_is_not_split_into_a_second_one(tmp_path):
    """Seed 20261201, input 1319: an unused stage `Builder` plus a final stage slimmer
    would split: the split's own `builder` made the output unparseable (exit 3)."""
    p = write(tmp_path, "FROM golang:1.22 AS Builder\nRUN go build -o /out/api .\n\n"
                        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n")
    result = run("rewrite", p)
    assert result.exit_code == 0, result.stderr
    from slimmer.parse import parse_text
    from slimmer.rewrite import rewrite

    out = parse_text(result.stdout)  # parses: no second stage named builder
    names = [s.name for s in out.stages if s.name]
    assert len(names) == len(set(names))
    assert rewrite(out).text == result.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_findings_cannot_carry_control_characters_to_the_terminal(tmp_path, fmt):
    p = write(tmp_path, "FROM debian:bookworm-slim\nRUN apt-get install -y curl\x1b[2J\u2028x\n")
    result = run("analyze", p, "--format", fmt)
    assert result.exit_code in (0, 1), result.stderr
    assert "curl" in result.stdout  # the message names the package...
    assert "\x1b" not in result.stdout and "\u2028" not in result.stdout  # ...without its controls
