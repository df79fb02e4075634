"""Issue 10: a seeded mutation loop over the fixture corpus (and hypothesis on small
generated files). Whatever the input: exit 0, 1 or 2 only, never a traceback or an
internal error; a rewrite's output parses and rewriting it again changes nothing;
`analyze --fix` reaches a fixed point.

SLIMMER_FUZZ_INPUTS sets how many mutated files the loop tries (default 3000, under a
minute on CI's 2 cores); SLIMMER_FUZZ_SEED picks another seed. A failure prints the seed,
the input's number and the input itself, so it can be replayed and turned into a test.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from slimmer.cli import main
from slimmer.errors import DockerfileError, InternalError
from slimmer.parse import parse_bytes, parse_text
from slimmer.rewrite import rewrite
from slimmer.rules.engine import Settings, analyze, fix_to_fixed_point

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS = [p.read_bytes() for p in sorted((FIXTURES / "dockerfiles").glob("*.Dockerfile"))]
CORPUS += [p.read_bytes() for p in sorted((FIXTURES / "invalid").glob("*.Dockerfile"))]
INPUTS = int(os.environ.get("SLIMMER_FUZZ_INPUTS", "3000"))
SEED = int(os.environ.get("SLIMMER_FUZZ_SEED", "20261201"))

KEYWORDS = ["FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "CMD", "ENTRYPOINT", "ONBUILD",
            "SHELL", "HEALTHCHECK", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "MAINTAINER", "FROBNICATE"]
PIECES = ["\\", "\\\n", "\r", "\r\n", "\n", "\x1b[31m", "\u2028", "\x00", "\ufeff", "²", "[", "]", '"', "'", "$", "${",
          "${a-}", "}", "&&", "||", ";", "|", "<<EOF", "\nEOF\n", "<<-'X'", "#", "# escape=`\n", "`", " AS builder",
          " --from=0", " --from=builder", " --from=²", " --mount=type=cache,target=/x\r,id=y", " --chown=1:1",
          " pip install --upgrade pip && pip install -r requirements.txt", " apt-get install -y a && apt-get install b",
          " apk add x", " npm install", " --platform=$BUILDPLATFORM", "=", " ", "\t", "*", "..", "/", "-", "--"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    for _ in range(rng.randint(1, 4)):
        lines = text.splitlines(keepends=True) or [""]
        op = rng.randrange(9)
        i = rng.randrange(len(lines))
        if op == 0:  # insert a piece at a random place
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif op == 1:  # delete a line
            del lines[i]
            text = "".join(lines)
        elif op == 2:  # duplicate a line
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif op == 3:  # swap two lines
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
        elif op == 4:  # truncate
            text = text[: rng.randrange(len(text) + 1)]
        elif op == 5:  # a new instruction
            lines.insert(i, rng.choice(KEYWORDS) + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))) + "\n")
            text = "".join(lines)
        elif op == 6:  # change a keyword
            words = lines[i].split(" ", 1)
            lines[i] = rng.choice(KEYWORDS) + (" " + words[1] if len(words) > 1 else "\n")
            text = "".join(lines)
        elif op == 7:  # splice with another file of the corpus
            other = rng.choice(CORPUS).decode("utf-8", errors="replace").splitlines(keepends=True)
            lines[i:i] = other[: rng.randint(1, max(1, len(other)))]
            text = "".join(lines)
        else:  # delete a random span
            a = rng.randrange(len(text) + 1)
            text = text[:a] + text[a + rng.randint(1, 20):]
    out = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.02:
        out += bytes([rng.randrange(256)])
    return out


def check_input(data: bytes, tmp: Path, where: str) -> None:
    path = tmp / "Dockerfile"
    path.write_bytes(data)
    runner = CliRunner()
    for args in (["analyze", str(path), "--format", "json"], ["graph", str(path)], ["rewrite", str(path)]):
        result = runner.invoke(main, args)
        detail = f"{where}: slimmer {' '.join(args[:1])} exit {result.exit_code}\n{result.stderr[-800:]}\ninput: {data!r}"
        assert result.exit_code in (0, 1, 2), detail
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, detail
        assert result.exception is None or isinstance(result.exception, SystemExit), detail
        if args[0] == "rewrite" and result.exit_code == 0:
            out = result.stdout
            again = rewrite(parse_text(out, str(path)))  # the output parses...
            assert again.text == out, f"{where}: rewrite is not idempotent\ninput: {data!r}"  # ...and is a fixed point
    try:
        df = parse_bytes(data, str(path))
        analyze(df, Settings())
    except DockerfileError:
        return
    try:
        fixed, left, _ = fix_to_fixed_point(df, Settings(), unsafe=True)
    except InternalError as exc:  # pragma: no cover - a failure to report
        pytest.fail(f"{where}: --fix does not converge: {exc}\ninput: {data!r}")
    assert not [f for f in left if f.fix], where


def test_mutated_corpus(tmp_path):
    rng = random.Random(SEED)
    for n in range(INPUTS):
        data = mutate(rng, rng.choice(CORPUS))
        check_input(data, tmp_path, f"seed {SEED}, input {n}")


LINE = st.builds(
    lambda kw, parts: kw + "".join(parts),
    st.sampled_from(KEYWORDS),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=5),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, min_size=1, max_size=6))
def test_generated_files(tmp_path, lines):
    data = ("FROM python:3.11\n" + "\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    check_input(data, tmp_path, "hypothesis")
