"""Properties of the rewrite over every fixture Dockerfile, every case and every app, and
over generated single-stage Dockerfiles of the shapes public files have: it never raises,
its output parses and resolves, and rewriting the output again changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmer.errors import SlimmerError
from slimmer.model.graph import build_graph
from slimmer.parse import parse_file, parse_text
from slimmer.rewrite import Options, rewrite

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [p for p in (ROOT / "tests" / "fixtures" / "dockerfiles").iterdir() if p.is_file()]
    + list((ROOT / "benchmarks" / "apps").glob("*/Dockerfile"))
    + list((ROOT / "tests" / "rewrite" / "cases").glob("*/context/Dockerfile"))
)
SKIPS = [set(), {"order"}, {"prod-deps"}, {"runtime-libs"}, {"split"}]


def check(df, opts: Options) -> str:
    try:
        result = rewrite(df, opts)
    except SlimmerError as exc:
        pytest.fail(f"{df.path}: {exc}")
    again = parse_text(result.text, df.path)
    build_graph(again, None)
    assert rewrite(again, opts).text == result.text, "not idempotent"
    return result.text


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rewrite_of_every_fixture_parses_and_is_idempotent(path):
    df = parse_file(path)  # the malformed fixtures live in tests/fixtures/invalid
    for skip in SKIPS:
        check(df, Options(skip=set(skip)))


BASES = ["python:3.11", "python:3.11-slim", "node:18", "golang:1.19", "ubuntu:22.04",
         "nvidia/cuda:12.1.1-devel-ubuntu22.04", "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel",
         "jupyter/scipy-notebook:latest", "python:3.11-alpine", "myorg/base:1"]
STEPS = [
    "WORKDIR /app", 'WORKDIR "/srv/app"', "WORKDIR app", "COPY . .", "COPY . /app", "COPY requirements.txt .",
    "COPY package*.json ./", "COPY server.js ./", "ADD . /code",
    "RUN apt-get update && apt-get install -y gcc libpq-dev", "RUN apt-get install -y python3 python3-pip",
    "RUN apk add --no-cache build-base postgresql-dev", "RUN pip install -r requirements.txt",
    "RUN pip install --upgrade pip && pip install -r requirements.txt", "RUN pip3 install flask",
    "RUN python -m venv /venv", "ENV VIRTUAL_ENV=/venv", 'ENV PATH="/venv/bin:$PATH"',
    "RUN npm ci", "RUN npm install -g serve", "RUN npm run build", "RUN yarn install", "RUN npm test",
    "RUN go build -o /server .", "RUN go mod download", "RUN python train.py", "RUN pytest -q",
    "RUN useradd app", "USER app", "USER root", "RUN curl -fsSL https://example.com/x | sh",
    "RUN ./configure && make", "RUN ln -s /a /b", "EXPOSE 8000", "ENV A=1", "ARG V=2",
]
ENDS = ['CMD ["python", "app.py"]', "CMD npm start", 'ENTRYPOINT ["/server"]', "CMD gunicorn app:app", 'CMD ["next", "start"]']


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), st.lists(st.sampled_from(STEPS), max_size=10), st.sampled_from(ENDS),
       st.sampled_from(SKIPS))
def test_rewrite_of_generated_dockerfiles(tmp_path_factory, base, steps, end, skip):
    folder = tmp_path_factory.mktemp("ctx", numbered=True)
    (folder / "requirements.txt").write_text("flask\n")
    (folder / "package.json").write_text('{"name": "x", "devDependencies": {"jest": "1"}}')
    text = "\n".join([f"FROM {base}", *steps, end]) + "\n"
    (folder / "Dockerfile").write_text(text)
    check(parse_text(text, str(folder / "Dockerfile")), Options(skip=set(skip)))
