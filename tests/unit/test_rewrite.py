"""The rewrite at the text level (the builds are in tests/integration/test_rewrite_apps.py):
idempotent, deterministic, keeps untouched lines byte for byte, keeps the runtime settings,
and the CLI never touches the input without --in-place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from slimmer.cli import main
from slimmer.parse import parse_file, parse_text
from slimmer.rewrite import Options, rewrite

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p for p in (ROOT / "benchmarks" / "apps").iterdir() if (p / "Dockerfile").exists())
RUNTIME_KEYWORDS = ("CMD", "ENTRYPOINT", "USER", "EXPOSE", "WORKDIR", "ENV", "LABEL", "VOLUME", "HEALTHCHECK", "STOPSIGNAL", "SHELL")


@pytest.mark.parametrize("app", APPS, ids=[p.name for p in APPS])
def test_rewrite_is_idempotent_and_keeps_runtime_settings(app):
    df = parse_file(app / "Dockerfile")
    result = rewrite(df)
    again = rewrite(parse_text(result.text, str(app / "Dockerfile")))
    assert again.text == result.text
    assert rewrite(parse_file(app / "Dockerfile")).text == result.text  # deterministic
    out = parse_text(result.text)
    final = out.stages[-1]
    original = df.stages[-1]
    kept = [i.raw for i in final.instructions if i.keyword in RUNTIME_KEYWORDS]
    for ins in original.instructions:
        if ins.keyword in RUNTIME_KEYWORDS:
            assert ins.raw in kept, f"{ins.raw!r} is not in the runtime stage as written"


@pytest.mark.parametrize("app", APPS, ids=[p.name for p in APPS])
def test_untouched_lines_and_comments_survive(app):
    df = parse_file(app / "Dockerfile")
    text = rewrite(df).text
    for node in df.nodes:
        if node.kind == "comment":
            assert node.raw in text


def test_single_stage_python_split(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\n"
        "RUN apt-get update && apt-get install -y gcc libpq-dev libxml2-dev curl\n"
        "RUN pip install -r requirements.txt\nRUN pytest -q\nUSER nobody\nCMD [\"python\", \"app.py\"]\n"
    )
    out = parse_text(rewrite(parse_file(tmp_path / "Dockerfile")).text)
    names = [s.name for s in out.stages]
    assert names == ["builder", "test", None]
    final = out.stages[-1]
    assert final.base == "python:3.11-slim"
    runs = [i.args for i in final.instructions if i.keyword == "RUN"]
    assert runs == ["apt-get update && apt-get install -y --no-install-recommends libpq5 libxml2 curl && rm -rf /var/lib/apt/lists/*"]
    copies = [i.logical.split(None, 1)[1] for i in final.instructions if i.keyword == "COPY"]
    assert copies == ["--from=builder /opt/venv /opt/venv", ". ."]
    builder = out.stages[0]
    assert [i.args for i in builder.instructions if i.keyword == "COPY"] == ["requirements.txt ./"]
    assert any("pytest" in i.args for i in out.stages[1].instructions)


def test_cuda_devel_becomes_runtime_and_cpu_only_is_opt_in(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM nvidia/cuda:12.2.0-devel-ubuntu22.04\n"
        "RUN apt-get update && apt-get install -y python3 python3-pip python3-venv python3-dev && rm -rf /var/lib/apt/lists/*\n"
        "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN pip install torch\n"
        "COPY . .\nCMD [\"python3\", \"serve.py\"]\n"
    )
    text = rewrite(parse_file(tmp_path / "Dockerfile")).text
    out = parse_text(text)
    assert out.stages[0].base == "nvidia/cuda:12.2.0-devel-ubuntu22.04"
    assert out.stages[-1].base == "nvidia/cuda:12.2.0-runtime-ubuntu22.04"
    assert "download.pytorch.org" not in text
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install torch\nCMD [\"python3\", \"serve.py\"]\n"
    )
    assert "download.pytorch.org" not in rewrite(parse_file(tmp_path / "Dockerfile")).text
    cpu = rewrite(parse_file(tmp_path / "Dockerfile"), Options(cpu_only=True)).text
    assert "pip install --index-url https://download.pytorch.org/whl/cpu torch" in cpu


def test_refuses_to_split_installer_scripts(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nRUN curl -fsSL https://example.com/install.sh | sh\nCOPY . .\n"
        "RUN pip install -r requirements.txt\nCMD [\"app\"]\n"
    )
    result = rewrite(parse_file(tmp_path / "Dockerfile"))
    assert not result.split
    assert any("installer script" in n.reason for n in result.notes)


def test_skip_split_keeps_one_stage(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"x\"]\n")
    result = rewrite(parse_file(tmp_path / "Dockerfile"), Options(skip={"split"}))
    assert len(parse_text(result.text).stages) == 1
    assert "pip install --no-cache-dir -r requirements.txt" in result.text  # hygiene still applies


def test_go_binary_on_distroless(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM golang:1.19\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nENTRYPOINT [\"/bin/app\"]\n"
    )
    out = parse_text(rewrite(parse_file(tmp_path / "Dockerfile")).text)
    final = out.stages[-1]
    assert final.base == "gcr.io/distroless/static-debian12"
    assert [i.logical.split(None, 1)[1] for i in final.instructions if i.keyword == "COPY"] == ["--from=builder /bin/app /bin/app"]
    assert any(i.raw.startswith("ENV CGO_ENABLED=0") for i in out.stages[0].instructions)


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_check_diff_in_place_and_output(tmp_path):
    src = tmp_path / "Dockerfile"
    original = "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    src.write_text(original)
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert run("rewrite", "--check", str(src)).exit_code == 1
    diff = run("rewrite", "--diff", str(src))
    assert diff.exit_code == 0 and diff.output.startswith("---") and "+FROM python:3.11-slim" in diff.output
    stdout = run("rewrite", str(src)).output
    out = tmp_path / "Dockerfile.opt"
    assert run("rewrite", str(src), "-o", str(out)).exit_code == 0
    assert out.read_text() == stdout
    assert src.read_text() == original  # never touched without --in-place
    assert run("rewrite", "--check", str(out)).exit_code == 0  # the output is a fixed point
    same = run("rewrite", str(src), "-o", str(src))
    assert same.exit_code == 2 and src.read_text() == original
    assert run("rewrite", "--in-place", str(src)).exit_code == 0
    assert src.read_text() == stdout
    assert (tmp_path / "Dockerfile.bak").read_text() == original


def test_cli_explain_says_why(tmp_path):
    src = tmp_path / "Dockerfile"
    src.write_text("FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nRUN python train.py\nCMD [\"x\"]\n")
    result = CliRunner().invoke(main, ["rewrite", str(src), "--explain"])
    assert "split: the original base (python:3.11) becomes the builder stage" in result.stderr
    assert f"{src}:4: split: runs the app's own code in the runtime stage" in result.stderr


def test_rewrite_defaults_to_dockerfile_in_cwd(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCMD [\"python\"]\n")
    monkeypatch.chdir(tmp_path)
    assert run("rewrite", "-o", "Dockerfile.opt").exit_code == 0
    assert (tmp_path / "Dockerfile.opt").exists()


def test_cache_mounts_and_exec_form_are_opt_in(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD gunicorn -b 0.0.0.0:8000 app:app\n"
    )
    plain = rewrite(parse_file(tmp_path / "Dockerfile")).text
    assert "--mount=type=cache" not in plain and "CMD gunicorn -b 0.0.0.0:8000 app:app" in plain
    opted = rewrite(parse_file(tmp_path / "Dockerfile"), Options(cache_mounts=True, exec_form=True)).text
    assert "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt" in opted
    assert 'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]' in opted
    # A command that needs the shell stays in shell form.
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCMD gunicorn -b 0.0.0.0:$PORT app:app\n")
    kept = rewrite(parse_file(tmp_path / "Dockerfile"), Options(exec_form=True)).text
    assert "CMD gunicorn -b 0.0.0.0:$PORT app:app" in kept


def test_poetry_installs_dependencies_before_the_source(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.poetry]\nname = 'x'\n")
    (tmp_path / "poetry.lock").write_text("")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install poetry==1.8.3\n"
        "RUN poetry config virtualenvs.create false && poetry install\nENTRYPOINT [\"x\"]\n"
    )
    builder = parse_text(rewrite(parse_file(tmp_path / "Dockerfile")).text).stages[0]
    lines = [i.logical for i in builder.instructions if i.keyword in ("COPY", "RUN")]
    assert lines == [
        "RUN python -m venv /opt/venv",
        "RUN pip install poetry==1.8.3",
        "COPY pyproject.toml poetry.lock ./",
        "RUN poetry config virtualenvs.create false && poetry install --no-root",
        "COPY . .",
        "RUN poetry install --only-root --no-interaction --no-ansi",
    ]
    # A Poetry without --only-root keeps the source copy first.
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install poetry==1.2.2\nRUN poetry install\nENTRYPOINT [\"x\"]\n"
    )
    builder = parse_text(rewrite(parse_file(tmp_path / "Dockerfile")).text).stages[0]
    assert [i.logical for i in builder.instructions if i.keyword == "COPY"] == ["COPY . ."]
