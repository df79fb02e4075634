"""The rules added for misses seen on real files (issue 12): the traps around each."""

from __future__ import annotations

import pytest

from slimmer.model.shell import parse_commands
from slimmer.parse import parse_file, parse_text
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


def test_shell_model_keeps_redirections():
    (pip, echo) = parse_commands("pip install flash-attn>=2.0 torch<3 && echo x 2>&1 >/dev/null")
    assert pip.argv == ("pip", "install", "flash-attn", "torch")
    assert pip.redirects == ((">", "=2.0"), ("<", "3"))
    assert echo.redirects == ((">", "/dev/null"),)


# --- SLM016 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "RUN pip install flash-attn>=2.0",
    "RUN pip install 'numpy<2' torch>2.1",
    "RUN python -m pip install x>=1,<2",
    "RUN uv pip install --system vllm>=0.5",
    "RUN npm install left-pad@>=1",
])
def test_slm016_finds_redirected_specifiers(tmp_path, line):
    assert len(run(tmp_path, "SLM016", f"FROM python:3.12-slim\n{line}\n")) == 1


@pytest.mark.parametrize("line", [
    "RUN pip install 'flash-attn>=2.0' \"torch<3\"",
    "RUN pip install -r requirements.txt > /tmp/log 2>&1",
    "RUN echo x>=2",
    "RUN pip install torch==2.3.1",
])
def test_slm016_leaves_quoted_and_real_redirects(tmp_path, line):
    assert run(tmp_path, "SLM016", f"FROM python:3.12-slim\n{line}\n") == []


# --- SLM077 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "RUN apt-get update &amp;&amp; apt-get install -y curl",
    "RUN curl -fsSL https://x/install.sh | sh &gt; /dev/null",
    "CMD python app.py &gt; /tmp/log",
])
def test_slm077_finds_entities(tmp_path, line):
    assert len(run(tmp_path, "SLM077", f"FROM debian:12-slim\n{line}\n")) == 1


def test_slm077_quoted_entities_are_fine(tmp_path):
    assert run(tmp_path, "SLM077", "FROM debian:12-slim\nRUN echo '&lt;b&gt;hi&lt;/b&gt;' > /srv/i.html\n") == []


# --- SLM009 / SLM076 / SLM054 ---------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "RUN apt-get -o Acquire::AllowInsecureRepositories=true update",
    "RUN apt-get install -y --allow-unauthenticated x",
    "RUN apt-get update --allow-insecure-repositories",
    "RUN echo 'deb [trusted=yes arch=amd64] http://r/ ./' > /etc/apt/sources.list.d/r.list",
])
def test_slm009(tmp_path, line):
    assert len(run(tmp_path, "SLM009", f"FROM debian:12-slim\n{line}\n")) == 1


def test_slm009_leaves_signed_sources(tmp_path):
    line = "RUN echo 'deb [signed-by=/k.gpg] http://r/ ./' > /etc/apt/sources.list.d/r.list && apt-get update"
    assert run(tmp_path, "SLM009", f"FROM debian:12-slim\n{line}\n") == []


def test_slm076_sed_and_tee(tmp_path):
    df = "FROM debian:12-slim\nRUN echo '%sudo ALL=(ALL:ALL) NOPASSWD: ALL' | tee -a /etc/sudoers\n"
    assert len(run(tmp_path, "SLM076", df)) == 1
    assert run(tmp_path, "SLM076", "FROM debian:12-slim\nRUN echo 'app ALL=(ALL) ALL' >> /etc/sudoers\n") == []


def test_slm054_git_and_checksum_are_fine(tmp_path):
    df = "FROM debian:12-slim\nADD https://github.com/a/b.git#v1 /src\nADD --checksum=sha256:ab https://x/y /y\nADD local.txt /x\n"
    assert run(tmp_path, "SLM054", df) == []


# --- SLM034 floating tags ---------------------------------------------------------------------------


@pytest.mark.parametrize("ref,hit", [
    ("ubuntu:rolling", True), ("debian:testing-slim", True), ("node:lts-alpine", True), ("alpine:edge", True),
    ("nginx:stable", True), ("node:20-slim", False), ("python:3.12-slim-bookworm", False), ("ubuntu:24.04", False),
])
def test_slm034_floating_tags(tmp_path, ref, hit):
    assert bool(run(tmp_path, "SLM034", f"FROM {ref}\nRUN true\n")) is hit


# --- SLM078 dev servers -------------------------------------------------------------------------------


@pytest.mark.parametrize("cmd,hit", [
    ('["python", "manage.py", "runserver", "0.0.0.0:8000"]', True),
    ("python manage.py runserver 0.0.0.0:8000", True),
    ('["flask", "run", "--host=0.0.0.0", "--debug"]', True),
    ('["python", "-m", "flask", "run"]', True),
    ('["uvicorn", "main:app", "--reload"]', True),
    ('["npx", "nodemon", "index.js"]', True),
    ('["yarn", "dev"]', True),  # no package.json in the context: by the script's name
    ('["uvicorn", "main:app", "--workers", "4"]', False),
    ('["gunicorn", "app:app"]', False),
    ('["python", "manage.py", "migrate"]', False),
    ('["node", "server.js"]', False),
    ('["npm", "start"]', False),
])
def test_slm078(tmp_path, cmd, hit):
    assert bool(run(tmp_path, "SLM078", f"FROM python:3.12-slim\nCMD {cmd}\n")) is hit


def test_slm078_follows_package_json_scripts(tmp_path):
    files = {"package.json": '{"scripts": {"start": "ng serve --host 0.0.0.0"}}'}
    found = run(tmp_path, "SLM078", "FROM node:20-slim\nCOPY . .\nCMD npm start\n", files)
    assert len(found) == 1 and "ng serve" in found[0].message
    files = {"package.json": '{"scripts": {"start": "node dist/main.js", "dev": "nodemon"}}'}
    assert run(tmp_path / "b", "SLM078", "FROM node:20-slim\nCOPY . .\nCMD npm start\n", files) == []


def test_slm078_not_on_development_targets(tmp_path):
    df = "FROM python:3.12-slim AS dev\nCMD flask run --debug\n"
    assert run(tmp_path, "SLM078", df) == []


# --- SLM037 / SLM017 CUDA -------------------------------------------------------------------------------


def test_slm037_installing_nvcc_first_is_fine(tmp_path):
    df = ("FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04\n"
          "RUN apt-get update && apt-get install -y cuda-nvcc-12-1 && nvcc --version\n")
    assert run(tmp_path, "SLM037", df) == []
    assert run(tmp_path, "SLM037", "FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\nRUN nvcc --version\n") == []


def test_slm037_follows_stages(tmp_path):
    df = "FROM nvidia/cuda:12.1.0-base-ubuntu22.04 AS base\nFROM base\nRUN command -v nvcc\n"
    assert [f.line for f in run(tmp_path, "SLM037", df)] == [3]


def test_slm017_cpu_torch_and_base_tag_are_fine(tmp_path):
    rt = "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\n"
    assert run(tmp_path, "SLM017", rt + "RUN pip install torch --index-url https://download.pytorch.org/whl/cpu\n") == []
    assert run(tmp_path, "SLM017", rt + "RUN pip install numpy\n") == []
    assert len(run(tmp_path, "SLM017", rt + "RUN pip install nvidia-cudnn-cu12\n")) == 1


# --- SLM062 secrets ---------------------------------------------------------------------------------------


def test_slm062_private_keys_by_content(tmp_path):
    files = {"certs/server.pem": "-----BEGIN PRIVATE KEY-----\nabc\n", "certs/ca.pem": "-----BEGIN CERTIFICATE-----\n",
             ".ssh/id_ed25519": "k", "app.py": ""}
    found = run(tmp_path, "SLM062", "FROM python:3.12-slim\nCOPY . /app\n", files)
    assert len(found) == 1
    assert "certs/server.pem" in found[0].message and ".ssh/" in found[0].message
    assert "ca.pem" not in found[0].message


def test_slm062_only_what_the_copy_sends(tmp_path):
    files = {".env": "A_PASSWORD=1", "src/app.py": "", "config/.env.production": "B_TOKEN=2"}
    found = run(tmp_path, "SLM062", "FROM python:3.12-slim\nCOPY src/ /app/\nCOPY config /config\n", files)
    assert [f.line for f in found] == [3]
    assert ".env.production (secrets: B_TOKEN)" in found[0].message


def test_slm062_dockerignore_and_npmrc_without_token(tmp_path):
    files = {".env": "A_SECRET=1", ".aws/credentials": "[default]", ".npmrc": "save-exact=true\n",
             ".dockerignore": "**/.env\n.aws\n"}
    assert run(tmp_path, "SLM062", "FROM node:20-slim\nCOPY . .\n", files) == []


def test_slm062_not_for_build_stages(tmp_path):
    files = {".env": "DB_PASSWORD=x"}
    df = "FROM node:20-slim AS build\nCOPY . .\nRUN npm run build\nFROM nginx:1.27\nCOPY --from=build /dist /usr/share/nginx/html\n"
    assert run(tmp_path, "SLM062", df, files) == []


def test_stdin_dockerfile_has_no_context():
    df = parse_text("FROM node:20-slim\nCOPY . .\n", "-")
    assert [f for f in analyze(df, Settings(select={"SLM062"}))] == []


def test_slm017_reads_requirements_files(tmp_path):
    df = "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\nCOPY requirements.txt .\nRUN pip3 install -r requirements.txt\n"
    assert len(run(tmp_path, "SLM017", df, {"requirements.txt": "flask\ntorch==2.1.2\n"})) == 1
    assert run(tmp_path / "b", "SLM017", df, {"requirements.txt": "--index-url https://download.pytorch.org/whl/cpu\ntorch\n"}) == []


def test_slm062_env_files_without_secrets_are_config(tmp_path):
    files = {".env": "API_URL=https://api.example.com\nREACT_APP_TITLE=Shop\nEMPTY_TOKEN=\n"}
    assert run(tmp_path, "SLM062", "FROM node:20-slim\nCOPY . .\n", files) == []
    files = {".env": "DATABASE_URL=postgres://app:hunter2@db/app\n"}
    found = run(tmp_path / "b", "SLM062", "FROM node:20-slim\nCOPY . .\n", files)
    assert len(found) == 1 and "DATABASE_URL" in found[0].message


def test_slm076_looking_is_not_granting(tmp_path):
    assert run(tmp_path, "SLM076", "FROM debian:12-slim\nRUN ! grep -q NOPASSWD /etc/sudoers\n") == []
