"""benchmarks/corpus: the retag mapping, the smoke comparison and the outcome classes."""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    loader = SourceFileLoader("corpus_tool", str(ROOT / "benchmarks" / "corpus"))
    spec = importlib.util.spec_from_loader("corpus_tool", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_tool"] = module  # dataclasses look their module up
    loader.exec_module(module)
    yield module
    sys.modules.pop("corpus_tool", None)


LOCAL = {"python:3.11", "python:3.11-slim", "node:18", "node:18-slim", "golang:1.19", "debian:bookworm-slim",
         "gcr.io/distroless/static-debian12:latest"}


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("python:3.9", "python:3.11"),
        ("python:3.10.9", "python:3.11"),
        ("python:3.11-buster", "python:3.11"),
        ("python", "python:3.11"),
        ("python:3.9-slim", "python:3.11-slim"),
        ("python:3.11.4-slim-buster", "python:3.11-slim"),
        ("python:slim-buster", "python:3.11-slim"),
        ("docker.io/library/python:3.8", "python:3.11"),
        ("node:16", "node:18"),
        ("node:current-slim", "node:18-slim"),
        ("node:14.16.1-slim", "node:18-slim"),
        ("node:lts", "node:18"),
        ("node:slim", "node:18-slim"),
        ("golang:1.20.7", "golang:1.19"),
        ("ubuntu:20.04", "debian:bookworm-slim"),
        ("pytorch/pytorch:1.8.0-cuda11.1-cudnn8-runtime", "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime"),
        ("nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04", "debian:bookworm-slim"),
        ("python:3.11-slim", "python:3.11-slim"),
        ("python:3.8-alpine", None),
        ("node:18-alpine", None),
        ("golang:1.21-alpine", None),
    ],
)
def test_default_mapping(corpus, ref, expected):
    new, _changed = corpus.map_image(ref, corpus.DEFAULT_RETAG, LOCAL)
    assert new == expected


def test_retag_maps_from_lines_and_keeps_stage_names(corpus):
    text = (
        "ARG PY=3.9\n"
        "FROM python:${PY} AS builder\n"
        "RUN pip install flask\n"
        "FROM python:3.9-slim\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
        "FROM builder AS test\n"
    )
    out, remapped, missing = corpus.retag(text, corpus.DEFAULT_RETAG, LOCAL)
    assert "FROM python:3.11 AS builder\n" in out
    assert "FROM python:3.11-slim\n" in out
    assert "FROM builder AS test\n" in out
    assert "COPY --from=builder /opt/venv /opt/venv" in out
    assert remapped == ["python:3.9 -> python:3.11", "python:3.9-slim -> python:3.11-slim"]
    assert missing == []


def test_retag_names_images_without_a_stand_in(corpus):
    _out, _remapped, missing = corpus.retag("FROM tiangolo/uvicorn-gunicorn:python3.9\nCOPY --from=nginx:1 /x /x\n", corpus.DEFAULT_RETAG, LOCAL)
    assert missing == ["tiangolo/uvicorn-gunicorn:python3.9 (not available here)", "nginx:1 (COPY --from image not available here)"]


def _run(running, code=None, listening=(), exposed=(), bad=False, tail=""):
    return {"running": running, "exit_code": code, "listening": list(listening), "exposed": list(exposed),
            "bad_log": bad, "log_tail": tail}


def test_compare_start_up(corpus):
    same = _run(True, listening=[8080], exposed=[8080])
    assert corpus.compare(same, same) == ""
    assert "exited 1 where the original keeps running" in corpus.compare(same, _run(False, 1, exposed=[8080]))
    assert "listens on [8080]" in corpus.compare(same, _run(True, exposed=[8080]))
    # the original needs a database and exits 1; the rewrite exits 1 too, the same way
    assert corpus.compare(_run(False, 1), _run(False, 1)) == ""
    # ... but not with an import error the original does not show
    assert "the rewrite with" in corpus.compare(_run(False, 1), _run(False, 1, bad=True, tail="ModuleNotFoundError"))
    assert "exited 2, the original 0" in corpus.compare(_run(False, 0), _run(False, 2))


def _classify(corpus, tmp_path, original, rewritten, explain=""):
    df = tmp_path / "Dockerfile"
    df.write_text(original)
    out = tmp_path / "Dockerfile.slim"
    case = corpus.Case("c")

    def fake(*args, timeout=120):
        if args[0] == "analyze":
            return SimpleNamespace(returncode=0, stdout="[]", stderr="")
        out.write_text(rewritten)
        return SimpleNamespace(returncode=0, stdout="", stderr=explain)

    corpus.slimmer, real = fake, corpus.slimmer
    try:
        corpus.classify(case, df, out)
    finally:
        corpus.slimmer = real
    return case


def test_classify(corpus, tmp_path):
    single = "FROM python:3.11\nRUN pip install flask\n"
    split = "FROM python:3.11 AS builder\nRUN pip install flask\nFROM python:3.11-slim\nCOPY --from=builder /opt/venv /opt/venv\n"
    empty = "FROM python:3.11-slim AS builder\nFROM python:3.11-slim\nRUN pip install flask\n"
    assert _classify(corpus, tmp_path, single, split).outcome == "split"
    assert _classify(corpus, tmp_path, single, empty).outcome == "no-gain"
    assert _classify(corpus, tmp_path, single, single).reason == "unchanged"
    refused = _classify(corpus, tmp_path, single, single, "Dockerfile: left alone: not split: no Python, Node or Go build found\n")
    assert (refused.outcome, refused.reason) == ("refused", "no Python, Node or Go build found")
    assert _classify(corpus, tmp_path, split, split).outcome == "already-multi-stage"


def test_results_name_no_hosts(corpus):
    text = 'Get "https://proxy.example.org/x/@v/a.zip": lookup proxy.example.org on 10.0.0.53:53: no such host; run entrypoint.sh, app.py'
    assert corpus.scrub(text) == 'Get "<url>": lookup <host> on <host>: no such host; run entrypoint.sh, app.py'
