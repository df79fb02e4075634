"""Extra cases for the Node and base-image rules SLM020-SLM023 and SLM030-SLM035:
false-positive traps (build stages that don't ship, comments, heredoc files, exec form,
sh -c, set -eux, continuations) and the fixes."""

from __future__ import annotations

import textwrap

import pytest

from slimmer.parse import parse_file, parse_text
from slimmer.rules.engine import Settings, analyze, apply_fixes


def lines(text: str, rid: str, **settings) -> list[int]:
    df = parse_text(textwrap.dedent(text).lstrip("\n"))
    return [f.line for f in analyze(df, Settings(select={rid}, **settings))]


def findings(text: str, rid: str):
    df = parse_text(textwrap.dedent(text).lstrip("\n"))
    return df, analyze(df, Settings(select={rid}))


def fixed(text: str, rid: str) -> str:
    df, found = findings(text, rid)
    assert found and found[0].fix is not None
    new, applied = apply_fixes(df, found, unsafe=True)
    assert applied
    return new


def in_dir(tmp_path, text: str, rid: str, files: dict[str, str]) -> list[int]:
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    path = tmp_path / "Dockerfile"
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return [f.line for f in analyze(parse_file(path), Settings(select={rid}))]


# --- SLM020 npm install with a lockfile ---------------------------------------------
class TestSLM020:
    def test_lockfile_copied(self):
        assert lines("""
            FROM node:20-slim
            COPY package.json package-lock.json ./
            RUN npm install
        """, "SLM020") == [3]

    def test_lockfile_glob_copy_and_npm_i(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            RUN set -eux; npm i --no-audit
        """, "SLM020") == [3]

    def test_shrinkwrap_copied_with_exec_form_copy(self):
        assert lines("""
            FROM node:20-slim
            COPY ["package.json", "npm-shrinkwrap.json", "./"]
            RUN ["npm", "install"]
        """, "SLM020") == [3]

    def test_no_lockfile_anywhere(self, tmp_path):
        assert in_dir(tmp_path, """
            FROM node:20-slim
            COPY package.json ./
            RUN npm install
        """, "SLM020", {"package.json": "{}"}) == []

    def test_lockfile_in_context(self, tmp_path):
        assert in_dir(tmp_path, """
            FROM node:20-slim
            COPY . .
            RUN npm install
        """, "SLM020", {"package.json": "{}", "package-lock.json": "{}"}) == [3]

    def test_lockfile_dockerignored(self, tmp_path):
        assert in_dir(tmp_path, """
            FROM node:20-slim
            COPY . .
            RUN npm install
        """, "SLM020", {"package-lock.json": "{}", ".dockerignore": "node_modules\npackage-lock.json\n"}) == []

    def test_named_packages_are_fine(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            RUN npm install -g pm2 && npm install express@4 --save
            RUN npm install --prefix /opt/tools typescript
        """, "SLM020") == []

    def test_npm_ci_is_fine(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            RUN npm ci
        """, "SLM020") == []

    def test_lockfile_copied_after_the_run_does_not_count(self):
        assert lines("""
            FROM node:20-slim
            COPY package.json ./
            RUN npm install
            COPY package-lock.json ./
        """, "SLM020") == []

    def test_lockfile_bind_mounted(self):
        assert lines("""
            FROM node:20-slim
            RUN --mount=type=bind,source=package.json,target=package.json \\
                --mount=type=bind,source=package-lock.json,target=package-lock.json \\
                npm install
        """, "SLM020") == [2]

    def test_lockfile_in_parent_stage_and_sh_c(self):
        assert lines("""
            FROM node:20-slim AS base
            COPY package*.json ./
            FROM base AS deps
            RUN sh -c "npm install"
        """, "SLM020") == [4]

    def test_unused_stage_not_checked(self):
        # scope "used": a stage the target does not need is not checked
        assert lines("""
            FROM node:20-slim AS old
            COPY package*.json ./
            RUN npm install
            FROM node:20-slim
            CMD ["node"]
        """, "SLM020") == []

    def test_comment_and_heredoc_file(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            # RUN npm install
            COPY <<EOF /setup.sh
            npm install
            EOF
            RUN cat <<EOF > /notes.txt
            npm install
            EOF
        """, "SLM020") == []

    def test_heredoc_script(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            RUN <<EOF
            set -eux
            npm install
            EOF
        """, "SLM020") == [3]

    def test_fix(self):
        assert "RUN npm ci --no-audit\n" in fixed("""
            FROM node:20-slim
            COPY package*.json ./
            RUN npm install --no-audit
        """, "SLM020")

    def test_no_fix_when_two_installs(self):
        _, found = findings("""
            FROM node:20-slim
            COPY package*.json ./
            RUN npm install -g npm@10 && npm install
        """, "SLM020")
        assert len(found) == 1 and found[0].fix is None


# --- SLM021 devDependencies shipped ------------------------------------------------
class TestSLM021:
    def test_npm_ci_in_final(self):
        assert lines("""
            FROM node:20-slim
            COPY package*.json ./
            RUN npm ci
        """, "SLM021") == [3]

    @pytest.mark.parametrize("run", [
        "npm ci --omit=dev", "npm ci --omit dev", "npm install --production", "npm ci --only=production",
        "NODE_ENV=production npm ci", "env NODE_ENV=production npm ci",
        "export NODE_ENV=production && npm ci", "yarn install --production --frozen-lockfile",
        "pnpm install --prod", "pnpm i -P", "npm install -g pm2", "npm ci && npm prune --omit=dev",
        "npm ci && npm run build && npm prune --production",
        "yarn install --immutable && yarn workspaces focus --all --production",
    ])
    def test_production_installs(self, run):
        assert lines(f"""
            FROM node:20-slim
            COPY package*.json ./
            RUN {run}
        """, "SLM021") == []

    def test_production_false_still_installs_dev(self):
        assert lines("""
            FROM node:20-slim
            RUN npm install --production=false
        """, "SLM021") == [2]

    def test_node_env_from_env_and_from_parent_stage(self):
        assert lines("""
            FROM node:20-slim AS base
            ENV NODE_ENV=production
            FROM base
            RUN npm ci
        """, "SLM021") == []

    def test_node_env_development(self):
        assert lines("""
            FROM node:20-slim
            ENV NODE_ENV=development
            RUN npm ci
        """, "SLM021") == [3]

    def test_node_env_arg_without_value_is_trusted(self):
        assert lines("""
            FROM node:20-slim
            ARG NODE_ENV
            RUN npm ci
        """, "SLM021") == []

    def test_prune_in_later_run(self):
        assert lines("""
            FROM node:20-slim
            RUN npm ci
            RUN npm run build
            RUN npm prune --omit=dev
        """, "SLM021") == []

    def test_prune_before_install_does_not_count(self):
        assert lines("""
            FROM node:20-slim
            RUN npm prune --omit=dev
            RUN npm ci
        """, "SLM021") == [3]

    def test_build_stage_does_not_ship(self):
        assert lines("""
            FROM node:20-slim AS build
            RUN npm ci && npm run build
            FROM node:20-slim
            COPY --from=build /app/dist /app/dist
        """, "SLM021") == []

    def test_all_stages_setting(self):
        assert lines("""
            FROM node:20-slim AS build
            RUN npm ci && npm run build
            FROM node:20-slim
            COPY --from=build /app/dist /app/dist
        """, "SLM021", all_stages=True) == [2]

    def test_yarn_bare_and_exec_form(self):
        assert lines("""
            FROM node:20-slim
            RUN yarn --frozen-lockfile
            RUN ["yarn", "install"]
            RUN pnpm install
        """, "SLM021") == [2, 3, 4]

    def test_onbuild_is_not_run_here(self):
        assert lines("""
            FROM node:20-slim
            ONBUILD RUN npm ci
        """, "SLM021") == []

    def test_yarn_add_named_is_not_a_project_install(self):
        assert lines("""
            FROM node:20-slim
            RUN yarn global add serve && yarn --version
        """, "SLM021") == []


# --- SLM022 npm/yarn cache ----------------------------------------------------------
class TestSLM022:
    @pytest.mark.parametrize("run", [
        "npm ci && npm cache clean --force",
        "set -eux; npm ci; npm cache clean --force",
        "npm ci && rm -rf ~/.npm",
        "npm ci && rm -rf /root/.npm/_cacache",
        "npm ci && rm -rf /home/node/.npm",
        "--mount=type=cache,target=/root/.npm npm ci",
        "--mount=type=cache,target=/home/node/.npm,uid=1000 npm ci",
        "npm ci --cache /tmp/npm && rm -rf /tmp/npm",
        "yarn install --frozen-lockfile && yarn cache clean",
        "--mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
        "yarn install --cache-folder /tmp/yc && rm -rf /tmp/yc",
        "npm --version",
    ])
    def test_clean(self, run):
        assert lines(f"""
            FROM node:20-slim
            RUN {run}
        """, "SLM022") == []

    def test_clean_before_install_does_not_count(self):
        assert lines("""
            FROM node:20-slim
            RUN npm cache clean --force && npm ci
        """, "SLM022") == [2]

    def test_npm_and_yarn_each_reported(self):
        _, found = findings("""
            FROM node:20-slim
            RUN npm install -g yarn && yarn install
        """, "SLM022")
        assert len(found) == 2
        assert [f.fix is not None for f in found] == [True, False]

    def test_env_cache_dir_mounted(self):
        assert lines("""
            FROM node:20-slim
            ENV npm_config_cache=/cache/npm
            RUN --mount=type=cache,target=/cache/npm npm ci
        """, "SLM022") == []

    def test_build_stage_does_not_ship(self):
        assert lines("""
            FROM node:20-slim AS build
            RUN npm ci && npm run build
            FROM nginx:1.25-alpine
            COPY --from=build /app/dist /usr/share/nginx/html
        """, "SLM022") == []

    def test_fix_multiline(self):
        new = fixed("""
            FROM node:20-slim
            RUN npm ci \\
                && npm run build
            CMD ["node"]
        """, "SLM022")
        assert "    && npm run build && npm cache clean --force\nCMD" in new
        assert lines(new, "SLM022") == []

    @pytest.mark.parametrize("run", [
        'RUN ["npm", "ci"]',
        "RUN <<EOF\nnpm ci\nEOF",
        "RUN npm ci; ",
        "RUN npm ci # install",
    ])
    def test_no_fix_where_appending_is_unsafe(self, run):
        df, found = findings(f"FROM node:20-slim\n{run}\n", "SLM022")
        assert len(found) == 1 and found[0].fix is None

    def test_no_fix_under_powershell(self):
        _, found = findings("""
            FROM node:20-windowsservercore
            SHELL ["powershell", "-Command"]
            RUN npm ci
        """, "SLM022")
        assert len(found) == 1 and found[0].fix is None


# --- SLM023 tests in a shipped stage -----------------------------------------------
class TestSLM023:
    @pytest.mark.parametrize("run", [
        "npm test", "npm t", "npm run test", "npm run test:unit -- --coverage", "npm run lint",
        "yarn test", "yarn lint", "yarn run test", "pnpm test", "pnpm run lint", "npx eslint .",
        "pytest -q", "python -m pytest tests", "python3 -m unittest discover", "tox -e py311",
        "go test ./...", "go vet ./...", "mvn -B clean test", "./gradlew test", "cargo test --release",
        "flake8 src", "poetry run pytest", "bundle exec rspec", "sh -c 'npm ci && npm test'",
        "if [ -n \"$CI\" ]; then npm test; fi",
    ])
    def test_reported(self, run):
        assert lines(f"""
            FROM node:20-slim
            RUN {run}
        """, "SLM023") == [2]

    @pytest.mark.parametrize("run", [
        "npm run build", "npm ci", "go build ./...", "mvn -DskipTests package", "pip install pytest",
        "echo pytest", "yarn build", "cargo build --release", "npm run testbuild",
    ])
    def test_not_reported(self, run):
        assert lines(f"""
            FROM node:20-slim
            RUN {run}
        """, "SLM023") == []

    def test_test_stage_not_in_default_target(self):
        assert lines("""
            FROM python:3.12-slim AS base
            COPY . /app
            FROM base AS test
            RUN pytest /app
            FROM base
            CMD ["python", "/app/main.py"]
        """, "SLM023") == []

    def test_exec_form(self):
        assert lines("""
            FROM python:3.12-slim
            RUN ["pytest", "-q"]
        """, "SLM023") == [2]


# --- SLM030 toolchain packages -----------------------------------------------------
class TestSLM030:
    def test_apt_toolchain_and_dev(self):
        df, found = findings("""
            FROM debian:bookworm-slim
            RUN apt-get update \\
                && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 libpq-dev git \\
                && rm -rf /var/lib/apt/lists/*
        """, "SLM030")
        assert [f.line for f in found] == [2]
        assert "gcc, libpq-dev, git" in found[0].message and "libpq-dev -> libpq5" in found[0].message

    @pytest.mark.parametrize("run", [
        "apk add --no-cache build-base",
        "apk add --no-cache musl-dev",
        "yum install -y gcc-c++ && yum clean all",
        "dnf -y install openssl-devel",
        "yum groupinstall -y 'Development Tools'",
        "set -eux; apt-get update; apt-get install -y make",
    ])
    def test_reported(self, run):
        assert lines(f"""
            FROM debian:bookworm-slim
            RUN {run}
        """, "SLM030") == [2]

    @pytest.mark.parametrize("run", [
        "apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps",
        "apt-get update && apt-get install -y gcc && pip install x && apt-get purge -y --auto-remove gcc",
        "apt-get update && apt-get install -y gcc libc6-dev && make && apt-get remove -y gcc libc6-dev",
        "savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y gcc libssl-dev; "
        "make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
        "apt-get install -y $BUILD_DEPS",
        "apt-get install -y libpq5 curl udev ca-certificates",
        "apt-get download gcc",
        "apk add --no-cache -X http://dl-cdn.alpinelinux.org/alpine/edge/testing tini",
    ])
    def test_not_reported(self, run):
        assert lines(f"""
            FROM debian:bookworm-slim
            RUN {run}
        """, "SLM030") == []

    def test_builder_does_not_ship(self):
        assert lines("""
            FROM python:3.12-slim AS build
            RUN apt-get update && apt-get install -y build-essential
            FROM python:3.12-slim
            COPY --from=build /wheels /wheels
        """, "SLM030") == []

    def test_parent_of_final_ships(self):
        assert lines("""
            FROM python:3.12-slim AS base
            RUN apt-get update && apt-get install -y build-essential
            FROM base
            CMD ["python"]
        """, "SLM030") == [2]


# --- SLM031 toolchain base ---------------------------------------------------------
class TestSLM031:
    @pytest.mark.parametrize("image", [
        "golang:1.22", "rust:1.77-slim", "maven:3.9-eclipse-temurin-21", "openjdk:17-jdk-slim", "openjdk:11",
        "eclipse-temurin:21", "eclipse-temurin:21-jdk-jammy", "gcc:13", "buildpack-deps:bookworm",
        "mcr.microsoft.com/dotnet/sdk:8.0", "docker.io/library/golang:1.22-alpine",
    ])
    def test_reported(self, image):
        assert lines(f"FROM {image}\nRUN true\n", "SLM031") == [1]

    @pytest.mark.parametrize("image", [
        "openjdk:11-jre-slim", "eclipse-temurin:21-jre-alpine", "buildpack-deps:bookworm-curl",
        "mcr.microsoft.com/dotnet/aspnet:8.0", "myorg/golang:1.22", "gcr.io/distroless/static-debian12",
    ])
    def test_not_reported(self, image):
        assert lines(f"FROM {image}\nRUN true\n", "SLM031") == []

    def test_builder_not_reported(self):
        assert lines("""
            FROM golang:1.22 AS build
            RUN go build -o /server .
            FROM scratch
            COPY --from=build /server /server
        """, "SLM031") == []

    def test_final_built_on_toolchain_stage(self):
        assert lines("""
            FROM golang:1.22 AS build
            RUN go build -o /server .
            FROM build
            CMD ["/server"]
        """, "SLM031") == [1]


# --- SLM032 CUDA devel -------------------------------------------------------------
class TestSLM032:
    @pytest.mark.parametrize("image,runtime", [
        ("nvidia/cuda:12.2.0-devel-ubuntu22.04", "nvidia/cuda:12.2.0-runtime-ubuntu22.04"),
        ("nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04", "nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04"),
        ("pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel", "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime"),
        ("nvcr.io/nvidia/cuda:12.2.0-devel-ubuntu22.04", "nvcr.io/nvidia/cuda:12.2.0-runtime-ubuntu22.04"),
    ])
    def test_fix(self, image, runtime):
        new = fixed(f"FROM {image} AS app-devel\nCMD [\"python3\"]\n", "SLM032")
        assert new.startswith(f"FROM {runtime} AS app-devel\n")

    def test_fixture_builder_and_runtime(self):
        from pathlib import Path

        path = Path(__file__).parents[1] / "fixtures" / "dockerfiles" / "cuda_torch_devel.Dockerfile"
        assert [f.line for f in analyze(parse_file(path), Settings(select={"SLM032"}))] == []

    def test_arg_tag_reported_without_fix(self):
        _, found = findings("""
            ARG TAG=12.2.0-devel-ubuntu22.04
            FROM nvidia/cuda:${TAG}
        """, "SLM032")
        assert [f.line for f in found] == [2] and found[0].fix is None

    def test_digest_no_fix(self):
        _, found = findings("FROM nvidia/cuda:12.2.0-devel-ubuntu22.04@sha256:" + "a" * 64 + "\n", "SLM032")
        assert len(found) == 1 and found[0].fix is None

    def test_runtime_and_other_images(self):
        assert lines("""
            FROM nvidia/cuda:12.2.0-runtime-ubuntu22.04
            RUN true
        """, "SLM032") == []
        assert lines("FROM myorg/app:1.0-devel\n", "SLM032") == []


# --- SLM033 full base images -------------------------------------------------------
class TestSLM033:
    @pytest.mark.parametrize("before,after", [
        ("python:3.11", "python:3.11-slim"),
        ("python:3.11-bookworm", "python:3.11-slim-bookworm"),
        ("node:20", "node:20-slim"),
        ("node:20-bookworm", "node:20-bookworm-slim"),
        ("debian:bookworm", "debian:bookworm-slim"),
        ("ruby:3.2", "ruby:3.2-slim"),
        ("python", "python:slim"),
        ("python:latest", "python:slim"),
    ])
    def test_fix(self, before, after):
        new = fixed(f"FROM {before}\nCMD [\"sh\"]\n", "SLM033")
        assert new.startswith(f"FROM {after}\n")

    @pytest.mark.parametrize("image", [
        "python:3.11-slim", "python:3.11-alpine", "node:20-alpine", "debian:bookworm-slim", "php:8.2",
        "golang:1.22", "openjdk:17", "myorg/python:3.11", "python:3.11-windowsservercore", "perl:5.38-threaded",
    ])
    def test_not_reported(self, image):
        assert lines(f"FROM {image}\nRUN true\n", "SLM033") == []

    def test_arg_tag_fix(self):
        new = fixed("ARG PY=3.11\nFROM python:${PY}\n", "SLM033")
        assert "FROM python:${PY}-slim\n" in new

    def test_builder_full_is_fine(self):
        assert lines("""
            FROM python:3.11 AS build
            RUN pip wheel --no-cache-dir -w /w numpy
            FROM python:3.11-slim
            COPY --from=build /w /w
        """, "SLM033") == []

    def test_unknown_arg_skipped(self):
        assert lines("ARG PY\nFROM python:${PY}\n", "SLM033") == []


# --- SLM034 latest / no tag --------------------------------------------------------
class TestSLM034:
    def test_reported_in_every_stage(self):
        assert lines("""
            FROM alpine AS unused
            FROM node:latest AS build
            FROM python:3.12-slim
        """, "SLM034") == [1, 2]

    @pytest.mark.parametrize("text", [
        "FROM scratch\n",
        "FROM python:3.12-slim AS base\nFROM base\n",
        "FROM python@sha256:" + "b" * 64 + "\n",
        "FROM python:latest@sha256:" + "b" * 64 + "\n",
        "ARG IMAGE\nFROM $IMAGE\n",
        "ARG TAG\nFROM python:${TAG}\n",
        "ARG IMAGE=python:3.12\nFROM ${IMAGE}\n",
    ])
    def test_not_reported(self, text):
        assert lines(text, "SLM034") == []

    def test_arg_default_latest(self):
        assert lines("ARG TAG=latest\nFROM python:${TAG}\n", "SLM034") == [2]

    def test_hadolint_aliases_ignore(self):
        assert lines("# hadolint ignore=DL3007\nFROM python:latest\n", "SLM034") == []
        assert lines("# hadolint ignore=DL3006\nFROM python\n", "SLM034") == []


# --- SLM035 end-of-life ------------------------------------------------------------
class TestSLM035:
    @pytest.mark.parametrize("image", [
        "python:3.8-slim", "python:3.7.12-slim-buster", "python:2.7", "node:16-alpine", "node:14",
        "node:19-slim", "node:gallium", "ubuntu:18.04", "ubuntu:bionic", "debian:buster-slim", "debian:10",
        "alpine:3.17.2", "golang:1.19-alpine", "python:3.11-slim-buster", "node:20-alpine3.16",
        "docker.io/library/python:3.6",
    ])
    def test_reported(self, image):
        assert lines(f"FROM {image}\nRUN true\n", "SLM035") == [1]

    @pytest.mark.parametrize("image", [
        "python:3.9", "python:3.10-slim", "python:3", "python:3.12-slim-bookworm", "node:18", "node:20-alpine",
        "node:lts", "node:iron", "ubuntu:22.04", "debian:bookworm", "debian:11", "alpine:3.19", "alpine:3",
        "golang:1", "golang:1.22", "nginx:1.25", "myorg/python:3.6", "python",
    ])
    def test_not_reported(self, image):
        assert lines(f"FROM {image}\nRUN true\n", "SLM035") == []

    def test_builder_not_reported(self):
        assert lines("""
            FROM node:16 AS build
            RUN echo build
            FROM node:20-slim
            COPY --from=build /app /app
        """, "SLM035") == []
