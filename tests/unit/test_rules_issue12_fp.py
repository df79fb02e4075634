"""False positives and wrong advice seen on real-world files (issue 12): each case failed
before its fix."""

from __future__ import annotations

import json

from slimmer.parse import parse_file
from slimmer.rules.engine import Settings, analyze


def run(tmp_path, rid, dockerfile, files=None, target=None):
    for fname, content in (files or {}).items():
        path = tmp_path / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile.lstrip("\n"))
    df = parse_file(path)
    return [f for f in analyze(df, Settings(select={rid}, target=target)) if f.rule.id == rid]


# --- SLM010: pip reads --no-cache as --no-cache-dir ------------------------------------------


def test_slm010_accepts_pips_abbreviation(tmp_path):
    assert run(tmp_path, "SLM010", "FROM python:3.12-slim\nRUN pip install --no-cache flask\n") == []
    assert run(tmp_path, "SLM010", "FROM python:3.12-slim\nRUN pip3 install --no-cache-d -r r.txt\n") == []


def test_slm010_still_finds_other_options(tmp_path):
    # --no-compile is not an abbreviation of --no-cache-dir
    assert len(run(tmp_path, "SLM010", "FROM python:3.12-slim\nRUN pip install --no-compile flask\n")) == 1


# --- SLM002: apt install too ------------------------------------------------------------------


def test_slm002_covers_apt_install(tmp_path):
    found = run(tmp_path, "SLM002", "FROM debian:12-slim\nRUN apt update && apt install -y curl\n")
    assert len(found) == 1
    assert found[0].message.startswith("apt install")
    assert found[0].fix is not None


def test_slm002_apt_install_with_option_is_clean(tmp_path):
    assert run(tmp_path, "SLM002", "FROM debian:12-slim\nRUN apt install -y --no-install-recommends curl\n") == []


# --- SLM021: only when there are devDependencies, and not on development images -----------------

NODE = """
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
CMD {cmd}
"""


def _package(dev=None, scripts=None):
    doc = {"name": "app", "dependencies": {"express": "^4"}}
    if dev is not None:
        doc["devDependencies"] = dev
    if scripts:
        doc["scripts"] = scripts
    return json.dumps(doc)


def test_slm021_silent_without_dev_dependencies(tmp_path):
    files = {"package.json": _package(), "package-lock.json": "{}"}
    assert run(tmp_path, "SLM021", NODE.format(cmd='["node", "server.js"]'), files) == []


def test_slm021_silent_with_empty_dev_dependencies(tmp_path):
    files = {"package.json": _package(dev={}), "package-lock.json": "{}"}
    assert run(tmp_path, "SLM021", NODE.format(cmd='["node", "server.js"]'), files) == []


def test_slm021_names_the_dev_dependencies(tmp_path):
    files = {"package.json": _package(dev={"jest": "^29", "eslint": "^8"})}
    found = run(tmp_path, "SLM021", NODE.format(cmd='["node", "server.js"]'), files)
    assert len(found) == 1 and "--omit=dev" in found[0].message and "jest" in found[0].message


def test_slm021_without_package_json_in_context_still_reports(tmp_path):
    assert len(run(tmp_path, "SLM021", NODE.format(cmd='["node", "server.js"]'))) == 1


def test_slm021_dev_server_command_is_a_development_image(tmp_path):
    for cmd in ('["npx", "ng", "serve", "--host", "0.0.0.0"]', "npx vue-cli-service serve",
                '["npx", "react-scripts", "start"]', '["npx", "nodemon", "server.js"]'):
        found = run(tmp_path, "SLM021", NODE.format(cmd=cmd), {"package.json": _package(dev={"x": "1"})})
        assert len(found) == 1, cmd
        assert "--omit=dev" not in found[0].message, cmd
        assert "development image" in found[0].message, cmd


def test_slm021_npm_start_script_that_is_a_dev_server(tmp_path):
    files = {"package.json": _package(dev={"react-scripts": "5"}, scripts={"start": "react-scripts start"})}
    found = run(tmp_path, "SLM021", NODE.format(cmd='["npm", "start"]'), files)
    assert len(found) == 1 and "--omit=dev" not in found[0].message
    assert "react-scripts start" in found[0].message


def test_slm021_build_step_needs_dev_tools(tmp_path):
    dockerfile = """
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npx tsc -p .
CMD ["node", "dist/index.js"]
"""
    found = run(tmp_path, "SLM021", dockerfile, {"package.json": _package(dev={"typescript": "5"})})
    assert len(found) == 1
    msg = found[0].message
    assert "add --omit=dev" not in msg and "tsc" in msg and "npm prune --omit=dev" in msg


def test_slm021_npm_run_build_script_with_tsc(tmp_path):
    dockerfile = """
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build
CMD ["node", "dist/index.js"]
"""
    files = {"package.json": _package(dev={"typescript": "5"}, scripts={"build": "tsc -p ."})}
    found = run(tmp_path, "SLM021", dockerfile, files)
    assert len(found) == 1 and "add --omit=dev" not in found[0].message and "npm run build" in found[0].message


# --- SLM030: a side stage built with --target is a development image ------------------------------

SIDE = """
FROM python:3.12-slim AS base
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM base AS production
COPY . .
CMD ["gunicorn", "app:app"]

FROM base AS development
RUN apt-get update && apt-get install -y --no-install-recommends build-essential gdb \\
    && rm -rf /var/lib/apt/lists/*
COPY . .
CMD ["flask", "run", "--debug"]
"""


def test_slm030_silent_on_a_side_stage_slm074_reads_as_built_with_target(tmp_path):
    assert run(tmp_path, "SLM030", SIDE) == []
    assert run(tmp_path, "SLM030", SIDE, target="development") == []


def test_slm030_still_reports_the_production_stage(tmp_path):
    text = SIDE.replace("COPY . .\nCMD [\"gunicorn\"", "RUN apt-get install -y gcc\nCOPY . .\nCMD [\"gunicorn\"")
    found = run(tmp_path, "SLM030", text, target="production")
    assert [f.line for f in found] == [7]


# --- SLM075: only promise a split the rewrite makes --------------------------------------------


def test_slm075_quotes_the_rewrite_refusal(tmp_path):
    # The rewrite refuses a stage that runs `make` outside a build step it knows.
    from slimmer.rewrite import Options, rewrite

    dockerfile = """
FROM python:3.11
RUN apt-get update && apt-get install -y gcc libpq-dev && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir psycopg2
RUN make
CMD ["python", "app.py"]
"""
    found = run(tmp_path, "SLM075", dockerfile)
    result = rewrite(parse_file(tmp_path / "Dockerfile"), Options())
    assert not result.split
    reason = next(n.reason for n in result.notes if n.reason.startswith("not split:"))
    assert len(found) == 1
    assert "can split it" not in found[0].message
    assert reason.removeprefix("not split: ") in found[0].message


def test_slm075_promises_the_split_when_the_rewrite_makes_it(tmp_path):
    dockerfile = """
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
CMD ["app"]
"""
    found = run(tmp_path, "SLM075", dockerfile)
    from slimmer.rewrite import Options, rewrite

    assert rewrite(parse_file(tmp_path / "Dockerfile"), Options()).split
    assert len(found) == 1 and "`slimmer rewrite` can split it" in found[0].message


def test_slm021_reads_the_package_json_yarn_cwd_points_at(tmp_path):
    dockerfile = "FROM node:20-slim\nCOPY . .\nRUN yarn --cwd web && yarn --cwd web build\nCMD [\"node\", \"server.js\"]\n"
    # No devDependencies in web/package.json: nothing to leave out (the root one is another project).
    files = {"package.json": _package(dev={"jest": "1"}), "web/package.json": '{"dependencies": {"typescript": "5"}}'}
    assert run(tmp_path, "SLM021", dockerfile, files) == []
    # With them, the build step (`yarn --cwd web build`, a script) needs them: no --production advice.
    files = {"web/package.json": '{"devDependencies": {"typescript": "5"}, "scripts": {"build": "tsc"}}'}
    found = run(tmp_path / "b", "SLM021", dockerfile, files)
    assert len(found) == 1 and "would break it" in found[0].message and "typescript" in found[0].message


def test_slm021_start_script_needs_dev_tools_without_cmd(tmp_path):
    # No CMD: the image is run with `npm start`, whose ts-node is a devDependency.
    files = {"package.json": _package(dev={"ts-node": "10", "typescript": "5"}, scripts={"start": "ts-node src/app.ts"})}
    found = run(tmp_path, "SLM021", "FROM node:18-slim\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n", files)
    assert len(found) == 1 and "would break it" in found[0].message and "ts-node" in found[0].message


def test_slm071_not_on_dev_targets_or_bases_that_run_unprivileged(tmp_path):
    # awesome-compose's shape: the last stage is a dev environment built FROM the real one.
    dev_envs = "FROM python:3.12-slim AS builder\nCMD [\"app\"]\n\nFROM builder AS dev-envs\nRUN true\n"
    assert run(tmp_path, "SLM071", dev_envs) == []
    assert len(run(tmp_path, "SLM071", dev_envs, target="builder")) == 1
    for base in ("cgr.dev/chainguard/python:latest", "jupyter/scipy-notebook:2023-10-20", "mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled"):
        assert run(tmp_path, "SLM071", f"FROM {base}\nCMD [\"app\"]\n") == [], base


def test_size_rules_skip_development_targets(tmp_path):
    """awesome-compose's shape: a dev-envs stage last. Slimming a development image is not the
    point; the stage it is built from is reported when it is the target."""
    text = ("FROM node:20 AS builder\nRUN apt-get update && apt-get install -y git\nCMD [\"node\", \"s.js\"]\n\n"
            "FROM builder AS dev-envs\nRUN apt-get update && apt-get install -y vim\n")
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    df = parse_file(path)
    size = lambda found: sorted({f.rule.id for f in found if f.rule.category == "size"})  # noqa: E731
    assert size(analyze(df)) == []
    assert "SLM033" in size(analyze(df, Settings(target="builder")))
    assert "SLM033" in size(analyze(df, Settings(all_stages=True)))


def test_windows_containers_have_no_root_and_no_sh(tmp_path):
    text = ("# escape=`\nFROM sixeyed/nunit:3.6.1-10.0.14393.1198\n"
            "SHELL [\"powershell\", \"-Command\"]\nCMD nunit3-console Tests.dll\n")
    assert run(tmp_path, "SLM071", text) == [] and run(tmp_path, "SLM070", text) == []
    text = "FROM microsoft/aspnet:windowsservercore-10.0.14393.1198\nCMD app.exe\n"
    assert run(tmp_path, "SLM071", text) == [] and run(tmp_path, "SLM070", text) == []
    assert len(run(tmp_path, "SLM070", "FROM debian:12-slim\nCMD app --serve\n")) == 1


def test_slm078_nest_start_watch(tmp_path):
    files = {"package.json": '{"scripts": {"start:dev": "nest start --watch", "start:prod": "node dist/main"}}'}
    found = run(tmp_path, "SLM078", 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "run", "start:dev"]\n', files)
    assert len(found) == 1 and "nest start --watch" in found[0].message
    assert run(tmp_path / "b", "SLM078", 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "run", "start:prod"]\n', files) == []


def test_slm075_runtime_library_is_no_evidence_of_compiling(tmp_path):
    text = ("FROM python:3.10-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libgomp1 "
            "&& rm -rf /var/lib/apt/lists/*\nCMD [\"python\", \"app.py\"]\n")
    assert run(tmp_path, "SLM075", text) == []


def test_slm030_git_alone_and_named_side_stages(tmp_path):
    text = "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends git curl\n"
    assert run(tmp_path, "SLM030", text) == []
    assert len(run(tmp_path, "SLM030", text.replace("git curl", "git gcc"))) == 1
    # `client-dev` is a side stage as SLM074 reads it: built with --target, not to be deleted.
    text = "FROM node:20-slim AS client-dev\nRUN true\n\nFROM node:20-slim AS final\nCMD [\"node\"]\n"
    found = run(tmp_path, "SLM074", text)
    assert len(found) == 1 and "presumably built on purpose" in found[0].message


def test_slm071_nginx_gets_the_unprivileged_image(tmp_path):
    found = run(tmp_path, "SLM071", "FROM nginx:1.27-alpine\nCOPY dist /usr/share/nginx/html\n")
    assert len(found) == 1 and "nginxinc/nginx-unprivileged" in found[0].message
