"""Extra cases for the OS package manager and Python packaging rules (SLM004-SLM008,
SLM011-SLM015): false-positive traps, stage awareness and the fixes."""

from __future__ import annotations

import json

import pytest

from slimmer.parse import parse_file, parse_text
from slimmer.rules.engine import Settings, analyze, apply_fixes


def run(tmp_path, rid, dockerfile, files=None, name="Dockerfile", target=None):
    """Findings of one rule for a Dockerfile written (with its context files) in tmp_path."""
    for fname, content in (files or {}).items():
        path = tmp_path / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dockerfile.lstrip("\n"))
    df = parse_file(path)
    return df, [f for f in analyze(df, Settings(select={rid}, target=target)) if f.rule.id == rid]


def lines(tmp_path, rid, dockerfile, **kw):
    return [f.line for f in run(tmp_path, rid, dockerfile, **kw)[1]]


def fixed(tmp_path, rid, dockerfile, unsafe=False, **kw):
    """The text after applying the rule's fixes once, or None when none is offered (or applied)."""
    df, found = run(tmp_path, rid, dockerfile, **kw)
    offered = [f for f in found if f.fix]
    if not offered:
        return None
    text, applied = apply_fixes(df, offered, unsafe=unsafe)
    if not applied:
        return None
    parse_text(text)  # still a valid Dockerfile
    return text


# --- SLM004 apt upgrade -----------------------------------------------------------------


@pytest.mark.parametrize("run_line", [
    "RUN apt-get update && apt-get -y upgrade",
    "RUN apt update && apt full-upgrade -y",
    "RUN set -eux; apt-get update; apt-get -o Dpkg::Options::=--force-confold -y dist-upgrade",
    "RUN sh -c 'apt-get update && apt-get upgrade -y'",
    "RUN apt-get update \\\n    && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y",
])
def test_slm004_finds_upgrades(tmp_path, run_line):
    assert lines(tmp_path, "SLM004", f"FROM debian:12\n{run_line}\n") == [2]


@pytest.mark.parametrize("run_line", [
    "RUN apt-get update && apt-get install -y --only-upgrade openssl",
    "RUN echo 'apt-get upgrade'",
    "# RUN apt-get upgrade -y\nRUN true",
    "RUN cat > /usr/local/bin/up <<EOF\napt-get upgrade -y\nEOF",
    'RUN ["apt-get", "upgrade", "-y"]',
])
def test_slm004_ignores_non_upgrades(tmp_path, run_line):
    # Exec form without a shell is not analysed as shell commands at all.
    assert lines(tmp_path, "SLM004", f"FROM debian:12\n{run_line}\n") == []


def test_slm004_stage_awareness(tmp_path):
    df = """
FROM debian:12 AS base
RUN apt-get update && apt-get upgrade -y
FROM debian:12 AS build
RUN apt-get update && apt-get upgrade -y
FROM base
COPY --from=build /etc/hostname /x
"""
    # base ships (the final stage is built FROM it); build only has a file copied out.
    assert lines(tmp_path, "SLM004", df) == [2]


# --- SLM005 apk --no-cache -----------------------------------------------------------------


@pytest.mark.parametrize("run_line,after", [
    ("RUN apk add curl", "RUN apk add --no-cache curl"),
    ("RUN apk -U add curl", "RUN apk -U add --no-cache curl"),
    ("RUN set -eux; apk add --virtual .deps gcc && make && apk del .deps",
     "RUN set -eux; apk add --no-cache --virtual .deps gcc && make && apk del .deps"),
    ('RUN ["sh", "-c", "apk add curl"]', 'RUN ["sh", "-c", "apk add --no-cache curl"]'),
])
def test_slm005_fix(tmp_path, run_line, after):
    text = fixed(tmp_path, "SLM005", f"FROM alpine:3.20\n{run_line}\n")
    assert text == f"FROM alpine:3.20\n{after}\n"
    if run_line.startswith("RUN ["):
        json.loads(text.split("RUN ", 1)[1])


@pytest.mark.parametrize("run_line", [
    "RUN apk add --no-cache curl",
    "RUN apk --no-cache add curl",
    "RUN apk add --update --no-cache curl",
    "RUN apk add curl && rm -rf /var/cache/apk/*",
    "RUN --mount=type=cache,target=/var/cache/apk apk add curl",
    "RUN --mount=type=cache,target=/etc/apk/cache apk add curl",
    "RUN apk del curl",
    "RUN cat > /x.sh <<EOF\napk add curl\nEOF",
])
def test_slm005_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM005", f"FROM alpine:3.20\n{run_line}\n") == []


def test_slm005_apk_update_gets_no_fix(tmp_path):
    df, found = run(tmp_path, "SLM005", "FROM alpine:3.20\nRUN apk update && apk add curl\n")
    assert len(found) == 1 and found[0].fix is None and "drop apk update" in found[0].message


def test_slm005_fix_must_land_on_the_right_command(tmp_path):
    # The first textual `apk add` already has --no-cache: the positioned edit goes to the
    # command that lacks it (issue 8, class J), not to the first regex match.
    text = fixed(tmp_path, "SLM005", "FROM alpine:3.20\nRUN apk add --no-cache a && apk add b\n")
    assert text == "FROM alpine:3.20\nRUN apk add --no-cache a && apk add --no-cache b\n"
    # A comment line inside the RUN holds the first `apk add`: the comment stays as it is.
    text = fixed(tmp_path, "SLM005", "FROM alpine:3.20\nRUN echo hi \\\n# apk add x\n  && apk add curl\n")
    assert text == "FROM alpine:3.20\nRUN echo hi \\\n# apk add x\n  && apk add --no-cache curl\n"


def test_slm005_heredoc_script_is_checked(tmp_path):
    text = fixed(tmp_path, "SLM005", "FROM alpine:3.20\nRUN <<EOF\nset -e\napk add curl\nEOF\n")
    assert "apk add --no-cache curl" in text


def test_slm005_build_stage_not_checked(tmp_path):
    df = "FROM alpine:3.20 AS build\nRUN apk add gcc\nFROM alpine:3.20\nCOPY --from=build /etc/os-release /x\n"
    assert lines(tmp_path, "SLM005", df) == []


# --- SLM006 yum / dnf clean ---------------------------------------------------------------


@pytest.mark.parametrize("run_line,after", [
    ("RUN yum install -y tar", "RUN yum install -y tar && yum clean all"),
    ("RUN microdnf install -y python3 ", "RUN microdnf install -y python3 && microdnf clean all "),
    ("RUN dnf --setopt tsflags=nodocs install -y x && dnf clean packages",
     "RUN dnf --setopt tsflags=nodocs install -y x && dnf clean packages && dnf clean all"),
])
def test_slm006_fix(tmp_path, run_line, after):
    assert fixed(tmp_path, "SLM006", f"FROM fedora:40\n{run_line}\n") == f"FROM fedora:40\n{after}\n"


@pytest.mark.parametrize("run_line", [
    "RUN yum install -y tar && yum clean all",
    "RUN dnf install -y x && dnf clean all -y",
    "RUN dnf install -y x && yum clean all",
    "RUN dnf install -y x && rm -rf /var/cache/dnf",
    "RUN yum install -y x && rm -rf /var/cache/yum/*",
    "RUN dnf install -y x && rm -rf /var/cache",
    "RUN --mount=type=cache,target=/var/cache/dnf dnf install -y x",
    "RUN dnf --installroot /rootfs install -y x",
    "RUN dnf remove -y x",
    'RUN ["dnf", "install", "-y", "x"]',
    "RUN cat > /x.sh <<EOF\ndnf install -y x\nEOF",
])
def test_slm006_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM006", f"FROM fedora:40\n{run_line}\n") == []


@pytest.mark.parametrize("run_line", [
    "RUN dnf install -y x;",
    "RUN dnf install -y x || true &",
    'RUN ["sh", "-c", "dnf install -y x"]',
    "RUN <<EOF\ndnf install -y x\nEOF",
])
def test_slm006_no_fix_when_appending_is_unsafe(tmp_path, run_line):
    df, found = run(tmp_path, "SLM006", f"FROM fedora:40\n{run_line}\n")
    assert len(found) == 1 and found[0].fix is None


# --- SLM007 apt-get -y ----------------------------------------------------------------------


@pytest.mark.parametrize("run_line", [
    "RUN apt-get install -y curl",
    "RUN apt-get install --yes curl",
    "RUN apt-get install --assume-yes curl",
    "RUN apt-get -qq install curl",
    "RUN apt-get -q=2 install curl",
    "RUN apt-get --quiet=2 install curl",
    "RUN apt-get install -qy curl",
    "RUN apt-get -o APT::Get::Assume-Yes=true install curl",
    "RUN yes | apt-get install curl",
    "RUN apt-get update",
    "RUN echo apt-get install curl",
])
def test_slm007_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM007", f"FROM debian:12\n{run_line}\n") == []


@pytest.mark.parametrize("run_line,after", [
    ("RUN apt-get install curl", "RUN apt-get install -y curl"),
    ("RUN apt-get -q install curl", "RUN apt-get -q install -y curl"),
    ("RUN apt install curl", "RUN apt install -y curl"),
    ("RUN sh -c 'apt-get update && apt-get install curl'", "RUN sh -c 'apt-get update && apt-get install -y curl'"),
])
def test_slm007_fix(tmp_path, run_line, after):
    assert fixed(tmp_path, "SLM007", f"FROM debian:12\n{run_line}\n") == f"FROM debian:12\n{after}\n"


def test_slm007_earlier_assume_yes_config(tmp_path):
    df = """
FROM debian:12 AS base
RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes
FROM base
RUN apt-get update && apt-get install curl
"""
    assert lines(tmp_path, "SLM007", df) == []


def test_slm007_checks_build_stages_the_target_needs(tmp_path):
    df = """
FROM debian:12 AS build
RUN apt-get update && apt-get install gcc
FROM debian:12 AS unused
RUN apt-get update && apt-get install make
FROM debian:12
COPY --from=build /etc/hostname /x
"""
    assert lines(tmp_path, "SLM007", df) == [2]


def test_slm007_fix_skips_an_install_that_has_yes(tmp_path):
    # The positioned edit goes to the install that prompts, not the first one (issue 8, J).
    text = fixed(tmp_path, "SLM007", "FROM debian:12\nRUN apt-get install -y a && apt-get install b\n")
    assert text == "FROM debian:12\nRUN apt-get install -y a && apt-get install -y b\n"


# --- SLM008 apt pins ------------------------------------------------------------------------


@pytest.mark.parametrize("run_line", [
    "RUN apt-get install -y curl=7.88.1-10",
    "RUN apt-get install -y 'curl=7.*'",
    "RUN apt-get install -y -t bookworm-backports curl/bookworm-backports",
    "RUN apt-get install -y ./local.deb /tmp/other.deb",
    "RUN apt-get install -y $PACKAGES",
    "RUN apt-get update",
])
def test_slm008_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM008", f"FROM debian:12\n{run_line}\n") == []


def test_slm008_reports_packages_not_option_values(tmp_path):
    df, found = run(tmp_path, "SLM008", "FROM debian:12\nRUN apt-get -o Dpkg::Use-Pty=0 install -y -t bookworm-backports "
                    "curl git=1:2.39.2-1.1\n")
    assert len(found) == 1
    assert found[0].severity == "info"
    assert "curl" in found[0].message and "bookworm" not in found[0].message and "Dpkg" not in found[0].message
    assert "git" not in found[0].message


def test_slm008_hadolint_ignore(tmp_path):
    df = "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n"
    assert lines(tmp_path, "SLM008", df) == []


# --- SLM011 dev requirements ------------------------------------------------------------------


@pytest.mark.parametrize("run_line", [
    "RUN pip install -r requirements-dev.txt",
    "RUN pip install -r dev-requirements.txt",
    "RUN pip install -r requirements_test.txt",
    "RUN pip install --requirement=requirements/test.txt",
    "RUN python -m pip install -rrequirements/dev.txt",
    "RUN uv pip install --system -r requirements-tests.txt",
    "RUN pip install -e '.[dev]'",
    "RUN pip install '.[test,docs]'",
    "RUN pip install pytest",
    "RUN pip3 install --no-cache-dir black==24.4.2",
    "RUN pip install 'black[d]'",
    "RUN pip install pytest-django",
    "RUN set -eux; sh -c 'pip install mypy'",
])
def test_slm011_finds_dev_requirements(tmp_path, run_line):
    assert lines(tmp_path, "SLM011", f"FROM python:3.12-slim\n{run_line}\n") == [2]


@pytest.mark.parametrize("run_line", [
    "RUN pip install -r requirements.txt",
    "RUN pip install -r /srv/testing-api/requirements.txt",
    "RUN pip install -r requirements/prod.txt",
    "RUN pip install '.[server]'",
    "RUN pip install -e .",
    "RUN pip install pytest && pytest && pip uninstall -y pytest",
    "RUN pip install pytesseract blacksheep",
    "RUN echo pip install pytest",
    "RUN cat > /x.sh <<EOF\npip install pytest\nEOF",
])
def test_slm011_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM011", f"FROM python:3.12-slim\n{run_line}\n") == []


def test_slm011_test_stage_not_shipped(tmp_path):
    df = """
FROM python:3.12-slim AS app
RUN pip install -r requirements.txt
FROM app AS test
RUN pip install -r requirements-dev.txt
FROM app AS prod
"""
    assert lines(tmp_path, "SLM011", df) == []
    # Built with --target test, the image is a test image: nothing to report.
    assert lines(tmp_path, "SLM011", df, target="test") == []


def test_slm011_dev_images(tmp_path):
    df = "FROM python:3.12-slim AS dev\nRUN pip install -r requirements-dev.txt\n"
    assert lines(tmp_path, "SLM011", df) == []
    df2 = "FROM python:3.12-slim\nRUN pip install -r requirements-dev.txt\n"
    assert lines(tmp_path, "SLM011", df2, name="Dockerfile.dev") == []
    assert lines(tmp_path, "SLM011", df2, name=".devcontainer/Dockerfile") == []
    assert lines(tmp_path, "SLM011", df2, name="Dockerfile.prod") == [2]


def test_slm011_dev_base_shipped_in_prod(tmp_path):
    df = """
FROM python:3.12-slim AS base
RUN pip install -r requirements-dev.txt
FROM base AS prod
"""
    assert lines(tmp_path, "SLM011", df) == [2]


# --- SLM012 pip self-upgrade ------------------------------------------------------------------


@pytest.mark.parametrize("run_line", [
    "RUN pip install --upgrade pip",
    "RUN python -m pip install -U pip",
    "RUN python3.12 -m pip install --no-cache-dir -U pip setuptools wheel",
    "RUN pip3 install --upgrade 'pip>=24'",
])
def test_slm012_finds(tmp_path, run_line):
    df, found = run(tmp_path, "SLM012", f"FROM python:3.12-slim\n{run_line}\n")
    assert [f.line for f in found] == [2] and found[0].severity == "info"


@pytest.mark.parametrize("run_line", [
    "RUN pip install --upgrade setuptools",
    "RUN pip install -U pipenv",
    "RUN pip install pip-tools",
    "RUN python -m venv /venv && /venv/bin/pip install -U pip",
    "RUN uv pip install --upgrade pip",
    "RUN echo pip install -U pip",
])
def test_slm012_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM012", f"FROM python:3.12-slim\n{run_line}\n") == []


# --- SLM013 conda clean ---------------------------------------------------------------------


@pytest.mark.parametrize("run_line,after", [
    ("RUN conda install -y numpy", "RUN conda install -y numpy && conda clean --all --yes"),
    ("RUN mamba env create -f env.yml", "RUN mamba env create -f env.yml && mamba clean --all --yes"),
    ("RUN micromamba install -y -n base -c conda-forge python=3.12",
     "RUN micromamba install -y -n base -c conda-forge python=3.12 && micromamba clean --all --yes"),
    ("RUN conda create -y -n app python=3.12 && conda clean --index-cache",
     "RUN conda create -y -n app python=3.12 && conda clean --index-cache && conda clean --all --yes"),
])
def test_slm013_fix(tmp_path, run_line, after):
    base = "FROM continuumio/miniconda3\n"
    assert fixed(tmp_path, "SLM013", base + run_line + "\n") == base + after + "\n"


@pytest.mark.parametrize("run_line", [
    "RUN conda install -y numpy && conda clean -afy",
    "RUN conda install -y numpy && conda clean -tipsy",
    "RUN mamba install -y numpy && mamba clean --all -f -y",
    "RUN micromamba install -y numpy && micromamba clean -a -y",
    "RUN conda env create -f env.yml && rm -rf /opt/conda/pkgs/*",
    "RUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy",
    "RUN conda run -n app python -c 'print(1)'",
    "RUN conda config --add channels conda-forge",
    "RUN echo conda install numpy",
])
def test_slm013_quiet(tmp_path, run_line):
    assert lines(tmp_path, "SLM013", f"FROM continuumio/miniconda3\n{run_line}\n") == []


def test_slm013_build_stage_copied_from(tmp_path):
    df = """
FROM continuumio/miniconda3 AS build
RUN conda create -y -p /env python=3.12 numpy
FROM debian:12-slim
COPY --from=build /env /env
"""
    assert lines(tmp_path, "SLM013", df) == []


# --- SLM014 poetry / pipenv / uv dev groups ---------------------------------------------------------

POETRY = """
[tool.poetry]
name = "app"

[tool.poetry.dependencies]
python = "^3.12"

[tool.poetry.group.test.dependencies]
pytest = "*"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
mkdocs = "*"
"""


@pytest.mark.parametrize("run_line,expected", [
    ("RUN poetry install", [2]),
    ("RUN poetry install --no-root --no-interaction", [2]),
    ("RUN poetry install --only main", []),
    ("RUN poetry install --only=main --no-root", []),
    ("RUN poetry install --without dev", []),
    ("RUN poetry install --without=dev,test", []),
    ("RUN poetry install --no-dev", []),
    ("RUN poetry install --only dev", [2]),
    ("RUN pipenv install --dev", [2]),
    ("RUN pipenv sync -d", [2]),
    ("RUN pipenv install --system --deploy", []),
    ("RUN uv sync --frozen", [2]),
    ("RUN uv sync --frozen --no-dev", []),
    ("RUN uv sync --no-default-groups", []),
    ("RUN UV_NO_DEV=1 uv sync --frozen", []),
    ("RUN uv sync --no-dev --group test", [2]),
    ("RUN uv sync --only-group lint", [2]),
    ("RUN echo poetry install", []),
])
def test_slm014_without_pyproject(tmp_path, run_line, expected):
    assert lines(tmp_path, "SLM014", f"FROM python:3.12-slim\n{run_line}\n") == expected


@pytest.mark.parametrize("run_line,expected", [
    ("RUN poetry install", [2]),  # the non-optional test group
    ("RUN poetry install --without test", []),
    ("RUN poetry install --with docs --without test", []),
    ("RUN poetry install --only main", []),
])
def test_slm014_reads_poetry_groups(tmp_path, run_line, expected):
    found = run(tmp_path, "SLM014", f"FROM python:3.12-slim\n{run_line}\n", files={"pyproject.toml": POETRY})[1]
    assert [f.line for f in found] == expected
    if expected:
        assert "test" in found[0].message


def test_slm014_project_without_dev_groups(tmp_path):
    files = {"pyproject.toml": '[tool.poetry]\nname = "app"\n[tool.poetry.group.server.dependencies]\nuvicorn = "*"\n'}
    assert lines(tmp_path, "SLM014", "FROM python:3.12-slim\nRUN poetry install\n", files=files) == []
    uv = {"pyproject.toml": '[project]\nname = "app"\n[dependency-groups]\ndev = ["pytest"]\n[tool.uv]\n'
                            'default-groups = []\n'}
    assert lines(tmp_path, "SLM014", "FROM python:3.12-slim\nRUN uv sync\n", files=uv) == []
    assert lines(tmp_path, "SLM014", "FROM python:3.12-slim\nRUN uv sync --all-groups\n", files=uv) == [2]


def test_slm014_stage_awareness(tmp_path):
    df = """
FROM python:3.12-slim AS build
RUN poetry install
FROM python:3.12-slim
COPY --from=build /app/.venv /app/.venv
"""
    assert lines(tmp_path, "SLM014", df) == []
    assert lines(tmp_path, "SLM014", "FROM python:3.12-slim AS test\nRUN poetry install\n") == []


# --- SLM015 torch CUDA wheel ------------------------------------------------------------------------

CPU = "https://download.pytorch.org/whl/cpu"


def test_slm015_fix_is_unsafe_and_adds_the_cpu_index(tmp_path):
    df = "FROM python:3.12-slim\nRUN pip install --no-cache-dir torch==2.3.1 torchaudio\n"
    assert fixed(tmp_path, "SLM015", df) is None  # not applied without --unsafe-fixes
    text = fixed(tmp_path, "SLM015", df, unsafe=True)
    assert text == f"FROM python:3.12-slim\nRUN pip install --index-url {CPU} --no-cache-dir torch==2.3.1 torchaudio\n"


def test_slm015_uv_pip(tmp_path):
    text = fixed(tmp_path, "SLM015", "FROM python:3.12-slim\nRUN uv pip install --system torch\n", unsafe=True)
    assert f"uv pip install --index-url {CPU} --system torch" in text


@pytest.mark.parametrize("run_line", [
    "RUN pip install torch fastapi",  # other packages may not be on the CPU index
    "RUN pip install numpy && pip install torch",  # the first pip install is not the torch one
])
def test_slm015_no_fix_when_it_could_break(tmp_path, run_line):
    df, found = run(tmp_path, "SLM015", f"FROM python:3.12-slim\n{run_line}\n")
    assert len(found) == 1 and found[0].fix is None


@pytest.mark.parametrize("dockerfile", [
    f"FROM python:3.12-slim\nRUN pip install torch --index-url {CPU}\n",
    f"FROM python:3.12-slim\nRUN pip install --extra-index-url {CPU} torch==2.3.1+cpu\n",
    "FROM python:3.12-slim\nRUN pip install torch==2.3.1+cu121\n",
    "FROM python:3.12-slim\nRUN pip install torch==2.3.1+cpu -f https://download.pytorch.org/whl/torch_stable.html\n",
    f"FROM python:3.12-slim\nENV PIP_EXTRA_INDEX_URL={CPU}\nRUN pip install torch\n",
    f"FROM python:3.12-slim\nRUN PIP_INDEX_URL={CPU} pip install torch\n",
    "FROM python:3.12-slim\nRUN uv pip install --system --torch-backend cpu torch\n",
    "FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime\nRUN pip install torchvision\n",
    "FROM pytorch/pytorch\nRUN pip install torchvision\n",
    "FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN pip install torch\n",
    "ARG BASE=nvidia/cuda:12.1.1-runtime-ubuntu22.04\nFROM $BASE\nRUN pip install torch\n",
    "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04 AS base\nFROM base\nRUN pip install torch\n",
    "FROM python:3.12-slim\nENV NVIDIA_VISIBLE_DEVICES=all\nRUN pip install torch\n",
    "FROM python:3.12-slim\nRUN pip install torch vllm\n",
    "FROM python:3.12-slim\nRUN pip install torch && pip install xformers\n",
    "FROM --platform=linux/arm64 python:3.12-slim\nRUN pip install torch\n",
    "FROM python:3.12-slim AS build\nRUN pip install torch\nFROM python:3.12-slim\nCOPY --from=build /etc/hostname /x\n",
    "FROM python:3.12-slim\nRUN echo pip install torch\n",
    "FROM python:3.12-slim\nRUN pip install torchmetrics pytorch-lightning-bolts\n",
])
def test_slm015_quiet(tmp_path, dockerfile):
    assert lines(tmp_path, "SLM015", dockerfile) == []


def test_slm015_requirements_files(tmp_path):
    files = {
        "requirements/base.txt": "numpy\ntorch>=2.1  # model\n",
        "requirements/prod.txt": "-r base.txt\nfastapi\n",
    }
    df = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements requirements\nRUN pip install -r /app/requirements/prod.txt\n"
    found = run(tmp_path, "SLM015", df, files=files)[1]
    assert [f.line for f in found] == [4] and found[0].fix is None


def test_slm015_requirements_file_with_cpu_index(tmp_path):
    files = {"requirements.txt": f"--index-url {CPU}\ntorch\n"}
    assert lines(tmp_path, "SLM015", "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n", files=files) == []


def test_slm015_requirements_file_not_in_context(tmp_path):
    assert lines(tmp_path, "SLM015", "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n") == []


def test_slm015_requirements_from_arg(tmp_path):
    files = {"reqs/gpu-free.txt": "torch==2.3.1\n"}
    df = "FROM python:3.12-slim\nARG REQS=reqs/gpu-free.txt\nRUN pip install -r $REQS\n"
    assert lines(tmp_path, "SLM015", df, files=files) == [3]


@pytest.mark.parametrize("run_line", [
    "RUN dnf clean all && dnf install -y x",  # the clean runs before the install
    "RUN dnf install -y x && microdnf clean all",  # microdnf keeps a cache of its own
])
def test_slm006_clean_must_match(tmp_path, run_line):
    assert lines(tmp_path, "SLM006", f"FROM fedora:40\n{run_line}\n") == [2]


def test_slm013_clean_before_install_does_not_count(tmp_path):
    df = "FROM continuumio/miniconda3\nRUN conda clean -afy && conda install -y numpy\n"
    assert lines(tmp_path, "SLM013", df) == [2]
