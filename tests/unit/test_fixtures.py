"""The fixture corpus (tests/fixtures): every Dockerfile round-trips byte for byte and
parses; malformed ones fail on the documented line; graphs match hand-written edges."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from slimmer.errors import DockerfileError
from slimmer.model.graph import build_graph
from slimmer.parse import parse_bytes, parse_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VALID = sorted((FIXTURES / "dockerfiles").glob("*.Dockerfile"))
INVALID = sorted((FIXTURES / "invalid").glob("*.Dockerfile"))
GRAPHS = sorted((FIXTURES / "graphs").glob("*.json"))


def test_corpus_is_large_enough():
    assert len(VALID) >= 40
    assert len(INVALID) >= 8
    assert len(GRAPHS) >= 8


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_round_trip_is_byte_exact(path):
    data = path.read_bytes()
    df = parse_bytes(data, str(path))
    assert df.render().encode("utf-8") == data
    assert df.stages, "every valid fixture has at least one stage"
    build_graph(df)  # resolves without error


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_malformed_fixture_fails_on_its_line(path):
    text = path.read_text()
    line = int(re.search(r"#\s*error-line:\s*(\d+)", text).group(1))
    fragment = re.search(r"#\s*error:\s*(.+)", text).group(1).strip()
    with pytest.raises(DockerfileError) as err:
        build_graph(parse_file(path))
    assert err.value.line == line, str(err.value)
    words = [w for w in re.findall(r"[a-z]+", fragment.lower()) if len(w) > 3]
    assert any(w in err.value.message.lower() for w in words), f"{err.value.message!r} vs {fragment!r}"


@pytest.mark.parametrize("path", GRAPHS, ids=[p.stem for p in GRAPHS])
def test_graph_matches_expected(path):
    expected = json.loads(path.read_text())
    df = parse_file(FIXTURES / "dockerfiles" / f"{path.stem}.Dockerfile")
    got = build_graph(df).to_json()
    assert [{k: s[k] for k in ("index", "name", "base", "line")} for s in got["stages"]] == expected["stages"]
    assert got["edges"] == expected["edges"]
    assert got["target"] == expected["target"]
    assert got["unused"] == expected["unused"]
