"""The model: byte-exact round trip, heredocs, continuations, directives, scopes, flags."""

from __future__ import annotations

import pytest

from slimmer.errors import DockerfileError
from slimmer.parse import parse_bytes, parse_text


def test_round_trip_keeps_every_byte():
    text = "\ufeff# syntax=docker/dockerfile:1\r\nFROM a AS b\r\nRUN x \\\r\n  # c\r\n\r\n  y\r\n\r\n"
    df = parse_text(text)
    assert df.render() == text
    assert df.newline == "\r\n"
    assert df.directives == {"syntax": "docker/dockerfile:1"}


def test_continuation_drops_comments_and_blank_lines_from_the_logical_line():
    df = parse_text("FROM a\nRUN apt-get update && \\\n    # why\n\n    apt-get install -y x\nCMD y\n")
    run = df.stages[0].instructions[0]
    assert (run.line, run.end_line) == (2, 5)
    assert "# why" not in run.logical
    assert run.logical.endswith("apt-get install -y x")
    assert df.stages[0].instructions[1].line == 6


def test_escape_directive_backtick():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  C:\\Windows\nWORKDIR C:\\app\n"
    df = parse_text(text)
    assert df.escape == "`"
    run, workdir = df.stages[0].instructions
    assert (run.line, run.end_line) == (3, 4)
    assert workdir.args == "C:\\app"  # a backslash is no escape here


def test_directive_after_comment_is_a_comment():
    df = parse_text("# hello\n# escape=`\nFROM a\n")
    assert df.directives == {}
    assert df.escape == "\\"


@pytest.mark.parametrize(
    "body",
    [
        "RUN <<EOF\nFROM evil\nRUN nope\nEOF\n",
        "RUN <<-EOF\n\techo hi\n\tEOF\n",
        "RUN <<'EOF'\necho $HOME\nEOF\n",
        'RUN --mount=type=cache,target=/root/.cache python3 <<"EOF"\nprint(1)\nEOF\n',
    ],
)
def test_heredoc_bodies_are_not_instructions(body):
    df = parse_text("FROM a\n" + body + "CMD done\n")
    keywords = [i.keyword for i in df.stages[0].instructions]
    assert keywords == ["RUN", "CMD"]
    run = df.stages[0].instructions[0]
    assert len(run.heredocs) == 1
    assert run.end_line == body.count("\n") + 1


def test_two_heredocs_and_copy_heredoc():
    df = parse_text("FROM a\nCOPY <<a.txt <<b.txt /dest/\none\na.txt\ntwo\nb.txt\nCOPY <<EOF /etc/x.ini\n[x]\nEOF\n")
    first, second = df.stages[0].instructions
    assert [h.delimiter for h in first.heredocs] == ["a.txt", "b.txt"]
    assert [h.body for h in first.heredocs] == ["one\n", "two\n"]
    assert second.heredocs[0].body == "[x]\n"
    assert second.line == 7


def test_quoted_heredoc_marker_and_strip_tabs():
    df = parse_text("FROM a\nRUN <<-'END' bash\n\techo $X\n\tEND\n")
    h = df.stages[0].instructions[0].heredocs[0]
    assert h.quoted and h.strip_tabs
    assert h.content == "echo $X\n"


def test_heredoc_marker_inside_quotes_is_not_a_heredoc():
    df = parse_text("FROM a\nRUN echo '<<EOF'\nCMD x\n")
    assert df.stages[0].instructions[0].heredocs == []


def test_global_args_and_stage_scopes():
    df = parse_text(
        "ARG PY=3.11\nARG BASE\nFROM python:${PY}-slim AS Build\nARG PY\nENV X=${PY}/y\nRUN true\n"
        "FROM ${BASE:-debian}:bookworm\nRUN echo $PY\n"
    )
    build, final = df.stages
    assert build.name == "build" and build.name_as_written == "Build"
    assert build.base == "python:3.11-slim"
    assert build.image.tag == "3.11-slim"
    assert build.instructions[-1].scope == {"PY": "3.11", "X": "3.11/y"}
    assert final.base == "debian:bookworm"
    assert final.instructions[0].scope == {}  # global ARGs enter a stage only when re-declared


def test_unknown_arg_stays_as_written():
    df = parse_text("ARG BASE\nFROM ${BASE}\n")
    assert df.stages[0].base == "${BASE}"


def test_env_wins_over_arg():
    df = parse_text("FROM a\nENV V=env\nARG V=arg\nRUN x\n")
    assert df.stages[0].instructions[-1].scope["V"] == "env"


def test_build_args_override_defaults():
    df = parse_text("ARG PY=3.11\nFROM python:${PY}\n", build_args={"PY": "3.12"})
    assert df.stages[0].base == "python:3.12"


@pytest.mark.parametrize(
    "ref,parts",
    [
        ("python:3.11", (None, "python", "3.11", None)),
        ("registry.example.com:5000/team/app:1.2@sha256:" + "a" * 64, ("registry.example.com:5000", "team/app", "1.2", "sha256:" + "a" * 64)),
        ("localhost/foo", ("localhost", "foo", None, None)),
        ("nvidia/cuda:12.2.0-devel-ubuntu22.04", (None, "nvidia/cuda", "12.2.0-devel-ubuntu22.04", None)),
        ("ghcr.io/org/img@sha256:" + "b" * 64, ("ghcr.io", "org/img", None, "sha256:" + "b" * 64)),
    ],
)
def test_image_references(ref, parts):
    img = parse_text(f"FROM {ref}\n").stages[0].image
    assert (img.registry, img.repository, img.tag, img.digest) == parts


def test_flags_and_mounts():
    df = parse_text(
        "FROM --platform=$BUILDPLATFORM a\n"
        "RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=tok --network=none pip install x\n"
        "COPY --chown=1000:1000 --chmod=755 --link a b\n"
    )
    stage = df.stages[0]
    assert stage.platform == "$BUILDPLATFORM"
    run, copy = stage.instructions
    assert [m["type"] for m in run.mounts] == ["cache", "secret"]
    assert run.mounts[1]["id"] == "tok"
    assert run.flag("network") == "none"
    assert run.args == "pip install x"
    assert copy.flag("chown") == "1000:1000" and copy.has_flag("link")


def test_exec_and_shell_forms():
    df = parse_text('FROM a\nCMD ["python", "app.py"]\nENTRYPOINT python app.py\nRUN [not json\n')
    cmd, entry, run = df.stages[0].instructions
    assert cmd.exec_form == ["python", "app.py"]
    assert entry.exec_form is None
    assert run.exec_form is None


def test_onbuild_wraps_an_instruction():
    df = parse_text("FROM a\nONBUILD COPY --chown=1 . /app\n")
    ins = df.stages[0].instructions[0]
    assert ins.inner.keyword == "COPY" and ins.inner.flag("chown") == "1"


def test_lowercase_and_indented_instructions():
    df = parse_text("from a as b\n   run echo hi\n")
    assert df.stages[0].name == "b"
    assert df.stages[0].instructions[0].keyword == "RUN"


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("FROM a\nRUN <<EOF\necho\n", 2, "unterminated heredoc"),
        ("RUN echo\nFROM a\n", 1, "before the first FROM"),
        ("\nWORKDIR /app\nRUN echo\n", 2, "no FROM instruction"),
        ("# only a comment\n", 1, "no instructions"),
        ("FROM a\nRUNN x\n", 2, "unknown instruction"),
        ("FROM a\nCOPY --form=b x y\n", 2, "unknown flag --form"),
        ("FROM a\nRUN --mnt=type=cache x\n", 2, "unknown flag --mnt"),
        ("FROM a AS b\nFROM c AS B\n", 2, "duplicate stage name"),
        ("FROM a b c d\n", 1, "FROM takes"),
        ("# escape=x\nFROM a\n", 1, "invalid escape"),
    ],
)
def test_malformed_input_names_the_line(text, line, fragment):
    with pytest.raises(DockerfileError) as err:
        parse_text(text, "Dockerfile")
    assert err.value.line == line
    assert fragment in err.value.message
    assert str(err.value).startswith(f"Dockerfile:{line}: ")


def test_binary_and_non_utf8_input():
    with pytest.raises(DockerfileError, match="binary"):
        parse_bytes(b"\x7fELF\0\0", "x")
    with pytest.raises(DockerfileError, match="not UTF-8") as err:
        parse_bytes(b"FROM a\nRUN \xff\n", "x")
    assert err.value.line == 2


def test_agrees_with_dockerfile_parse_on_instruction_lines(tmp_path):
    """dockerfile-parse is the reference for files without heredocs or directives."""
    from dockerfile_parse import DockerfileParser

    text = (
        "ARG V=1\nFROM python:3.11 AS b\n# c\nRUN apt-get update && \\\n    apt-get install -y x\n"
        "ENV A=1 \\\n    B=2\nCOPY . /app\nCMD [\"python\"]\n"
    )
    parser = DockerfileParser(path=str(tmp_path))  # it writes the content to a file
    parser.content = text
    expected = [
        (s["instruction"], s["startline"] + 1, s["endline"] + 1)
        for s in parser.structure
        if s["instruction"] != "COMMENT"
    ]
    ours = [(i.keyword, i.line, i.end_line) for i in parse_text(text).instructions]
    assert ours == expected
