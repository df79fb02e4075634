"""Extra cases for the cache-order, layer, build-context and runtime rules (SLM040-SLM075):
what must trigger, and the false-positive traps (build stages that do not ship, heredoc
files, comments, sh -c, exec form, continuations, build-context files)."""

from __future__ import annotations

import pytest

from slimmer.parse import parse_file, parse_text
from slimmer.rules import all_rules
from slimmer.rules.context import Context
from slimmer.rules.engine import Settings, analyze, apply_fixes
from slimmer.model.graph import build_graph


def lines(rid: str, text: str, path: str = "/nonexistent/ctx/Dockerfile", settings: Settings | None = None) -> list[int]:
    """Lines where rule `rid` fires on the Dockerfile text (the context is not on disk)."""
    df = parse_text(text.lstrip("\n"), path)
    return [f.line for f in analyze(df, settings) if f.rule.id == rid]


def findings(rid: str, text: str):
    df = parse_text(text.lstrip("\n"), "/nonexistent/ctx/Dockerfile")
    return [f for f in analyze(df) if f.rule.id == rid]


def on_disk(tmp_path, text: str, files: dict[str, str | bytes] | None = None, name: str = "Dockerfile"):
    for rel, content in (files or {}).items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    path = tmp_path / name
    path.write_text(text.lstrip("\n"))
    return parse_file(path)


def disk_lines(rid: str, tmp_path, text: str, files=None, name: str = "Dockerfile") -> list[int]:
    return [f.line for f in analyze(on_disk(tmp_path, text, files, name)) if f.rule.id == rid]


# --- SLM040 whole context copied before the dependency install ----------------------------


class TestCopyAllBeforeInstall:
    def test_multiline_set_eux(self):
        assert lines("SLM040", """
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN set -eux; \\
    pip install --no-cache-dir \\
        -r requirements.txt
""") == [3]

    def test_sh_c_and_exec_form(self):
        assert lines("SLM040", """
FROM node:20-slim
COPY ./ /app/
RUN ["sh", "-c", "cd /app && npm ci"]
""") == [2]
        assert lines("SLM040", """
FROM node:20-slim
ADD . /app
RUN sh -c 'yarn install --frozen-lockfile'
""") == [2]

    def test_heredoc_script(self):
        assert lines("SLM040", """
FROM golang:1.22
COPY . .
RUN <<EOF
set -e
go mod download
EOF
""") == [2]

    def test_heredoc_file_and_comment_are_not_installs(self):
        assert lines("SLM040", """
FROM node:20-slim
COPY . .
COPY <<EOF /usr/local/bin/setup
npm ci
EOF
# RUN npm ci
RUN npm run build
""") == []

    def test_go_build_is_not_an_install(self):
        assert lines("SLM040", """
FROM golang:1.22
COPY . .
RUN go build -o /app ./cmd/server
""") == []

    def test_manifests_first(self):
        assert lines("SLM040", """
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir .
""") == []

    def test_manifests_first_in_parent_stage(self):
        assert lines("SLM040", """
FROM golang:1.22 AS deps
COPY go.mod go.sum ./
RUN go mod download
FROM deps AS build
COPY . .
RUN go mod download && go build -o /app
FROM scratch
COPY --from=build /app /app
""") == []

    def test_no_deps_install(self):
        assert lines("SLM040", """
FROM python:3.12-slim
COPY . .
RUN pip install --no-cache-dir --no-deps -e .
""") == []

    def test_copy_from_stage_is_not_the_context(self):
        assert lines("SLM040", """
FROM node:20 AS src
FROM node:20-slim
COPY --from=src . /app
RUN npm ci
""") == []

    def test_build_stage_is_checked_unused_stage_is_not(self):
        text = """
FROM node:20 AS build
COPY . .
RUN npm ci && npm run build
FROM node:20 AS unused
COPY . .
RUN npm ci
FROM nginx:1.25-alpine
COPY --from=build /dist /usr/share/nginx/html
"""
        assert lines("SLM040", text) == [2]

    def test_other_installs(self):
        for install in ("poetry install --no-root", "bundle install", "composer install",
                        "mvn -B dependency:go-offline", "cargo build --release", "uv sync --frozen",
                        "pnpm install --frozen-lockfile", "pipenv install --deploy"):
            assert lines("SLM040", f"FROM debian\nCOPY . .\nRUN {install}\n") == [2], install

    def test_tool_installs_are_not_manifest_installs(self):
        assert lines("SLM040", """
FROM node:20-slim
COPY . .
RUN npm install -g pm2 && pip install gunicorn
""") == []

    def test_message_names_the_manifests(self):
        (f,) = findings("SLM040", "FROM node:20\nCOPY . .\nRUN npm ci\n")
        assert "package.json" in f.message and "line 3" in f.message


# --- SLM041 per-build value before the installs ---------------------------------------------


class TestPerBuildArgEarly:
    def test_fires(self):
        assert lines("SLM041", """
FROM python:3.12-slim
ARG BUILD_DATE
ARG CI_COMMIT_SHA
ARG PYTHON_VERSION=3.12
RUN apt-get update && apt-get install -y --no-install-recommends curl
""") == [2, 3]

    def test_env_from_arg(self):
        assert lines("SLM041", """
FROM python:3.12-slim
ARG SRC
ENV GIT_COMMIT=$SRC APP_VERSION=1.0
RUN pip install --no-cache-dir flask
""") == [3]

    def test_literal_env_is_a_pin_not_a_per_build_value(self):
        assert lines("SLM041", """
FROM python:3.12-slim
ENV VERSION=1.2.3
RUN pip install --no-cache-dir flask
""") == []

    def test_after_the_installs(self):
        assert lines("SLM041", """
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
ARG GIT_SHA
RUN echo $GIT_SHA > /version
""") == []

    def test_used_by_the_install(self):
        assert lines("SLM041", """
FROM python:3.12-slim
ARG VERSION
RUN pip install --no-cache-dir "mytool==${VERSION}"
RUN apt-get update && apt-get install -y curl
""") == []

    def test_global_arg_only(self):
        assert lines("SLM041", """
ARG GIT_SHA
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
""") == []

    def test_no_install_after(self):
        assert lines("SLM041", """
FROM python:3.12-slim
ARG GIT_SHA
COPY . .
RUN python -m compileall .
""") == []


# --- SLM042 weights before the install ---------------------------------------------------------


class TestWeightsBeforeInstall:
    def test_fires(self):
        assert lines("SLM042", """
FROM python:3.12-slim
COPY model.safetensors /models/
COPY ./checkpoints /ckpt
RUN pip install --no-cache-dir torch
""") == [2, 3]

    def test_after_install_or_from_stage(self):
        assert lines("SLM042", """
FROM python:3.12-slim AS fetch
RUN echo weights > /model.bin
FROM python:3.12-slim
COPY --from=fetch /model.bin /models/
RUN pip install --no-cache-dir torch
COPY weights/ /weights/
""") == []

    def test_code_folder_named_models_is_not_weights(self):
        assert lines("SLM042", """
FROM python:3.12-slim
COPY app/models/ /app/app/models/
RUN pip install --no-cache-dir django
""") == []


# --- SLM050 consecutive RUNs ----------------------------------------------------------------------


class TestConsecutiveRuns:
    def test_comments_between_still_consecutive(self):
        assert lines("SLM050", """
FROM debian:bookworm-slim
RUN echo a
# a comment

RUN echo b
RUN echo c
""") == [5]

    def test_one_finding_per_group(self):
        assert len(findings("SLM050", "FROM debian\nRUN a\nRUN b\nRUN c\nENV X=1\nRUN d\nRUN e\n")) == 2

    def test_flags_heredocs_exec_form_break_groups(self):
        assert lines("SLM050", """
FROM debian:bookworm-slim
RUN echo a
RUN --mount=type=cache,target=/var/cache/apt echo b
RUN <<EOF
echo c
EOF
RUN echo d
RUN ["echo", "e"]
""") == []

    def test_build_stage_does_not_ship(self):
        assert lines("SLM050", """
FROM debian:bookworm-slim AS build
RUN echo a > /a
RUN echo b > /b
FROM debian:bookworm-slim
COPY --from=build /a /a
""") == []


# --- SLM051 deleted in a later layer ----------------------------------------------------------------


class TestDeletedInLaterLayer:
    def test_download_then_rm(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz
RUN tar -xzf /tmp/x.tgz -C /opt \\
    && rm -f /tmp/x.tgz
""") == [3]

    def test_same_run_is_fine(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt && rm /tmp/x.tgz
RUN rm -rf /tmp/*
""") == []

    def test_wget_relative_to_workdir(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
WORKDIR /build
RUN wget https://example.com/src.tar.gz
RUN sh -c "rm src.tar.gz"
""") == [4]

    def test_cd_changes_where_relative_paths_point(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
WORKDIR /build
RUN wget https://example.com/src.tar.gz
RUN cd /other && rm src.tar.gz
""") == []

    def test_apt_lists_and_purge_later(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc
RUN make
RUN apt-get purge -y --auto-remove gcc && rm -rf /var/lib/apt/lists/*
""") == [4]

    def test_apk_virtual_deleted_later(self):
        assert lines("SLM051", """
FROM python:3.12-alpine
RUN apk add --no-cache --virtual .build-deps gcc musl-dev
RUN pip install --no-cache-dir psycopg2
RUN apk del .build-deps
""") == [4]

    def test_pip_cache(self):
        text = "FROM python:3.12-slim\nRUN pip install {opt} flask\nRUN rm -rf /root/.cache\n"
        assert lines("SLM051", text.format(opt="")) == [3]
        assert lines("SLM051", text.format(opt="--no-cache-dir")) == []
        assert lines("SLM051", """
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install flask
RUN rm -rf /root/.cache
""") == []

    def test_copied_archive(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
COPY big.zip /tmp/
RUN unzip /tmp/big.zip -d /opt && rm /tmp/big.zip
""") == [3]

    def test_copied_tree_deleted_whole(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
COPY . /src
RUN cd /src && make install && rm -rf /src
""") == [3]

    def test_build_output_inside_copied_tree_is_not_reported(self):
        # make may have created build/ itself in this RUN: nothing says it was copied.
        assert lines("SLM051", """
FROM debian:bookworm-slim
COPY . /src
RUN cd /src && make && rm -rf /src/build
""") == []

    def test_cleanup_only_run_inside_copied_tree(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
WORKDIR /app
COPY . .
RUN rm -rf .git tests
""") == [4]

    def test_inside_copied_tree_found_in_context(self, tmp_path):
        assert disk_lines("SLM051", tmp_path, """
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && rm -rf /app/tests
""", {"tests/test_x.py": "", ".dockerignore": ".git\n"}) == [4]

    def test_parent_stage_in_the_chain(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim AS base
RUN curl -fsSL -o /opt/tool.tar.gz https://example.com/tool.tar.gz
FROM base
RUN rm /opt/tool.tar.gz
""") == [4]

    def test_build_stage_does_not_ship(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim AS build
RUN curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz
RUN rm /tmp/x.tgz
FROM debian:bookworm-slim
COPY --from=build /etc/hostname /x
""") == []

    def test_heredoc_file_is_not_a_deletion(self):
        assert lines("SLM051", """
FROM debian:bookworm-slim
RUN curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz
COPY <<EOF /cleanup.sh
rm /tmp/x.tgz
EOF
""") == []


# --- SLM052 ADD instead of COPY ------------------------------------------------------------------------


class TestAddInsteadOfCopy:
    def test_local_file_fix(self):
        df = parse_text("FROM debian\nadd --chown=1:1 app.py /app/\n", "/nonexistent/Dockerfile")
        (f,) = [f for f in analyze(df) if f.rule.id == "SLM052"]
        assert f.fix is not None and f.fix.safety == "safe"
        text, _ = apply_fixes(df, [f])
        assert text == "FROM debian\ncopy --chown=1:1 app.py /app/\n"

    def test_archives_git_and_plain_urls(self):
        assert lines("SLM052", """
FROM debian:bookworm-slim
ADD rootfs.tar.xz /
ADD vendor.tgz /opt/
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
ADD https://github.com/moby/buildkit.git#v0.13.0 /src
ADD git@github.com:moby/buildkit.git /src2
""") == []

    def test_url_archive_has_no_fix(self):
        (f,) = findings("SLM052", "FROM debian\nADD https://example.com/x-1.0.tar.gz /tmp/\n")
        assert f.fix is None and "layer" in f.message

    def test_unknown_variable_source(self):
        assert lines("SLM052", "FROM debian\nARG URL\nADD $URL /opt/\n") == []

    def test_add_only_flags_have_no_fix(self):
        (f,) = findings("SLM052", "FROM debian\nADD --checksum=sha256:00 app.py /app/\n")
        assert f.fix is None

    def test_glob_may_match_archives(self):
        assert lines("SLM052", "FROM debian\nADD * /app/\nADD src/*.py /app/\n") == [3]

    def test_archive_without_extension_found_by_content(self, tmp_path):
        gz = b"\x1f\x8b\x08\x00" + b"\x00" * 40
        assert disk_lines("SLM052", tmp_path, "FROM debian\nADD rootfs /\nADD app.conf /etc/\n",
                          {"rootfs": gz, "app.conf": "x=1\n"}) == [3]

    def test_build_stage_does_not_ship(self):
        assert lines("SLM052", """
FROM debian AS build
ADD app.py /app/
FROM debian
COPY --from=build /app /app
""") == []


# --- SLM053 chown -R after COPY ---------------------------------------------------------------------------


class TestRecursiveChownAfterCopy:
    def test_fires_relative_to_workdir(self):
        assert lines("SLM053", """
FROM node:20-slim
WORKDIR /app
COPY . .
RUN set -eux; chown -R node:node .
""") == [4]

    def test_parent_dir_and_chmod(self):
        assert lines("SLM053", """
FROM debian
COPY --from=build /out /srv/app/dist
RUN bash -c "chmod -R a+rX /srv/app"
""") == [3]

    def test_not_recursive_or_unrelated(self):
        assert lines("SLM053", """
FROM debian
COPY . /app
RUN chown app /app && chown -R app /home/app && chmod +x /app/run.sh
""") == []

    def test_folder_made_in_the_same_run(self):
        assert lines("SLM053", """
FROM python:3.12-slim
COPY . /app
RUN mkdir -p /app/data && chown -R app /app/data
""") == []

    def test_copy_with_chown(self):
        assert lines("SLM053", """
FROM node:20-slim
COPY --chown=node:node . /app
USER node
""") == []

    def test_build_stage_does_not_ship(self):
        assert lines("SLM053", """
FROM node:20 AS build
COPY . /src
RUN chown -R node /src
FROM node:20-slim
COPY --from=build /src/dist /app
""") == []


# --- SLM060 / SLM061 build context ----------------------------------------------------------------------------

WHOLE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"


class TestNoDockerignore:
    def test_fires(self, tmp_path):
        assert disk_lines("SLM060", tmp_path, WHOLE) == [3]

    def test_dockerignore_or_dockerfile_specific(self, tmp_path):
        assert disk_lines("SLM060", tmp_path, WHOLE, {".dockerignore": ".git\n"}) == []

    def test_dockerfile_specific_ignore_file(self, tmp_path):
        assert disk_lines("SLM060", tmp_path, WHOLE, {"app.Dockerfile.dockerignore": ".git\n"},
                          name="app.Dockerfile") == []

    def test_named_files_only(self, tmp_path):
        assert disk_lines("SLM060", tmp_path, "FROM python:3.12-slim\nCOPY app.py /app/\n") == []

    def test_context_unknown(self):
        assert lines("SLM060", WHOLE, path="-") == []


class TestContextNotIgnored:
    def test_git_not_ignored(self, tmp_path):
        assert disk_lines("SLM061", tmp_path, WHOLE, {".git/HEAD": "ref\n", ".dockerignore": "*.log\n"}) == [3]

    def test_no_dockerignore_at_all(self, tmp_path):
        assert disk_lines("SLM061", tmp_path, WHOLE, {"node_modules/x/index.js": ""}) == [3]

    def test_ignored(self, tmp_path):
        assert disk_lines("SLM061", tmp_path, WHOLE, {
            ".git/HEAD": "ref\n", "node_modules/x/index.js": "", "src/__pycache__/a.pyc": "",
            ".dockerignore": "# comment\n.git\nnode_modules/*\n**/__pycache__\n",
        }) == []

    def test_root_pattern_does_not_reach_subfolders(self, tmp_path):
        df = on_disk(tmp_path, WHOLE, {"src/__pycache__/a.pyc": "", ".dockerignore": "__pycache__\n"})
        (f,) = [f for f in analyze(df) if f.rule.id == "SLM061"]
        assert "src/__pycache__" in f.message and "**/__pycache__" in f.message

    def test_virtualenv_found_by_pyvenv_cfg(self, tmp_path):
        df = on_disk(tmp_path, WHOLE, {"env311/pyvenv.cfg": "home = /usr\n", ".dockerignore": ".git\n"})
        (f,) = [f for f in analyze(df) if f.rule.id == "SLM061"]
        assert "env311" in f.message

    def test_checkpoints_and_large_files(self, tmp_path):
        df = on_disk(tmp_path, WHOLE, {"model.ckpt": "", ".dockerignore": ".git\n"})
        with open(tmp_path / "data.parquet", "wb") as fh:
            fh.truncate(60 * 1024 * 1024)  # sparse: no real disk use
        (f,) = [f for f in analyze(df) if f.rule.id == "SLM061"]
        assert "model.ckpt" in f.message and "data.parquet" in f.message

    def test_negation(self, tmp_path):
        files = {".git/HEAD": "ref\n", ".dockerignore": ".git\n!.git/HEAD\n"}
        assert disk_lines("SLM061", tmp_path, WHOLE, files) == []

    def test_no_whole_context_copy(self, tmp_path):
        assert disk_lines("SLM061", tmp_path, "FROM python:3.12-slim\nCOPY app.py /app/\n",
                          {".git/HEAD": "ref\n"}) == []


# --- SLM070 shell-form CMD / ENTRYPOINT ------------------------------------------------------------------------


class TestShellFormCmd:
    def test_fires(self):
        assert lines("SLM070", "FROM python:3.12-slim\nCMD python app.py\n") == [2]
        assert lines("SLM070", 'FROM python:3.12-slim\nENTRYPOINT python app.py\nCMD ["--port", "80"]\n') == [2]

    def test_exec_prefixed(self):
        assert lines("SLM070", "FROM nginx\nCMD envsubst < /t > /c && exec nginx -g 'daemon off;'\n") == []
        assert lines("SLM070", "FROM python:3.12-slim\nCMD exec python app.py\n") == []

    def test_exec_entrypoint_with_shell_cmd(self):
        (f,) = findings("SLM070", 'FROM debian\nENTRYPOINT ["tini", "--"]\nCMD python app.py\n')
        assert "ENTRYPOINT" in f.message

    def test_pseudo_json(self):
        (f,) = findings("SLM070", "FROM node:20\nCMD ['node', 'server.js']\n")
        assert "not valid JSON" in f.message

    def test_overridden_or_reset(self):
        assert lines("SLM070", """
FROM python:3.12-slim AS base
CMD python app.py
FROM base
CMD ["python", "app.py"]
""") == []
        assert lines("SLM070", """
FROM python:3.12-slim AS base
CMD python app.py
FROM base
ENTRYPOINT ["/app"]
""") == []

    def test_inherited_from_parent_stage(self):
        assert lines("SLM070", """
FROM python:3.12-slim AS base
CMD python app.py
FROM base
COPY app.py .
""") == [2]

    def test_build_stage(self):
        assert lines("SLM070", """
FROM node:20 AS build
CMD npm start
FROM nginx
COPY --from=build /dist /usr/share/nginx/html
""") == []

    def test_check_directive(self):
        assert lines("SLM070", "# check=skip=JSONArgsRecommended\nFROM nginx\nCMD nginx -g 'daemon off;'\n") == []


# --- SLM071 runs as root -----------------------------------------------------------------------------------------


def _own_check(rid: str, text: str):
    """Findings straight from the rule's check, before the engine applies configuration."""
    df = parse_text(text.lstrip("\n"), "/nonexistent/Dockerfile")
    rule = all_rules()[rid]
    return list(rule.check(Context(df, build_graph(df)), rule))


class TestRunsAsRoot:
    def test_no_user(self):
        assert lines("SLM071", "FROM python:3.12-slim\nCMD [\"python\"]\n") == [1]

    def test_explicit_root_is_a_warning(self):
        text = "FROM python:3.12-slim\nUSER app\nUSER 0:0\n"
        assert lines("SLM071", text) == [3]
        (f,) = _own_check("SLM071", text)
        assert f.severity == "warning"

    def test_user_in_parent_stage(self):
        assert lines("SLM071", "FROM python:3.12-slim AS base\nUSER 10001\nFROM base\nCOPY a /a\n") == []

    def test_user_only_in_build_stage(self):
        assert lines("SLM071", """
FROM python:3.12-slim AS build
USER app
FROM python:3.12-slim
COPY --from=build /a /a
""") == [3]

    def test_skipped_bases(self):
        assert lines("SLM071", "FROM scratch\nCOPY app /app\n") == []
        assert lines("SLM071", "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n") == []
        assert lines("SLM071", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n") == []

    def test_unknown_user_variable(self):
        assert lines("SLM071", "FROM python:3.12-slim\nUSER $APP_USER\n") == []


# --- SLM072 secrets in ARG / ENV -------------------------------------------------------------------------------------


class TestSecretInArgEnv:
    def test_fires(self):
        assert lines("SLM072", """
ARG GITHUB_TOKEN
FROM node:20-slim
ARG NPM_TOKEN
ENV DB_PASSWORD=hunter2
ENV STRIPE_API_KEY ${STRIPE}
""") == [1, 3, 4, 5]

    def test_severity_by_literal(self):
        by_line = {f.line: f.severity for f in _own_check("SLM072", """
FROM node:20-slim
ARG NPM_TOKEN
ARG SENTRY_AUTH_TOKEN=abc123
ENV DB_PASSWORD=$PW
""")}
        assert by_line == {2: "", 3: "error", 4: ""}

    def test_not_secrets(self):
        assert lines("SLM072", """
FROM python:3.12-slim
ENV TOKENIZERS_PARALLELISM=false SECRET_KEY_FILE=/run/secrets/key HF_TOKEN_PATH=/data/token
ARG AWS_ACCESS_KEY_ID
ARG PASSWORD_MIN_LENGTH=8
ENV API_KEY=""
ARG BYPASS_CACHE=1
""") == []

    def test_unused_stage_too(self):
        assert lines("SLM072", """
FROM node:20 AS old
ARG NPM_TOKEN
FROM node:20-slim
CMD ["node"]
""") == [2]


# --- SLM073 relative WORKDIR ---------------------------------------------------------------------------------------------


class TestRelativeWorkdir:
    def test_fires(self):
        assert lines("SLM073", """
FROM debian
WORKDIR app
ARG SUB=src
WORKDIR $SUB
""") == [2, 4]

    def test_absolute_quoted_variables_windows(self):
        assert lines("SLM073", """
FROM debian
ARG BASE=/opt
WORKDIR "/app"
WORKDIR $BASE/app
WORKDIR ${HOME}/x
WORKDIR C:\\\\app
""") == []


# --- SLM074 unused stages -------------------------------------------------------------------------------------------------


class TestUnusedStage:
    def test_fires(self):
        assert lines("SLM074", """
FROM node:20 AS assets
RUN echo x
FROM python:3.12-slim
CMD ["python"]
""") == [1]

    def test_used_by_copy_or_mount(self):
        assert lines("SLM074", """
FROM node:20 AS assets
RUN echo x > /x
FROM node:20 AS tools
RUN echo y > /y
FROM python:3.12-slim
COPY --from=assets /x /x
RUN --mount=type=bind,from=tools,source=/y,target=/y cat /y
""") == []

    def test_test_stage_message(self):
        (f,) = findings("SLM074", "FROM python:3.12 AS test\nRUN pytest\nFROM python:3.12-slim\n")
        assert "--target test" in f.message

    def test_target_setting(self):
        text = "FROM debian AS a\nFROM a AS b\nFROM debian AS c\n"
        assert lines("SLM074", text, settings=Settings(target="b")) == [3]


# --- SLM075 single-stage build that compiles ------------------------------------------------------------------------------


class TestSingleStageCompiles:
    def test_toolchain_packages(self):
        assert lines("SLM075", """
FROM python:3.12-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends build-essential libpq-dev \\
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir psycopg2
""") == [2]

    def test_removed_in_the_same_run(self):
        assert lines("SLM075", """
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y gcc make && make -C /src && apt-get purge -y gcc make \\
    && rm -rf /var/lib/apt/lists/*
""") == []

    def test_vcs_is_not_a_toolchain(self):
        assert lines("SLM075", "FROM debian\nRUN apt-get update && apt-get install -y git curl\n") == []

    def test_toolchain_image_builds(self):
        assert lines("SLM075", "FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\n") == [3]
        assert lines("SLM075", "FROM maven:3-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package\n") == [3]
        assert lines("SLM075", "FROM golang:1.22\nRUN go version\n") == []
        assert lines("SLM075", "FROM eclipse-temurin:21-jre\nRUN make\n") == []

    def test_node_build(self):
        assert lines("SLM075", "FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n") == [3]
        assert lines("SLM075", "FROM node:20\nCOPY . .\nRUN npm ci\n") == []

    def test_full_python_compiling_packages(self, tmp_path):
        assert lines("SLM075", "FROM python:3.12\nRUN pip install --no-cache-dir psycopg2==2.9.9\n") == [2]
        assert lines("SLM075", "FROM python:3.12\nRUN pip install --no-cache-dir flask\n") == []
        text = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
        assert disk_lines("SLM075", tmp_path, text, {"requirements.txt": "flask==3.0\nmysqlclient>=2\n"}) == [3]

    def test_multi_stage_is_fine(self):
        assert lines("SLM075", """
FROM golang:1.22 AS build
RUN go build -o /app .
FROM golang:1.22
COPY --from=build /app /app
RUN go build ./tools/...
""") == []


@pytest.mark.parametrize("rid", [f"SLM0{n}" for n in (40, 41, 42, 50, 51, 52, 53, 60, 61, 70, 71, 72, 73, 74, 75)])
def test_rule_is_registered(rid):
    rule = all_rules()[rid]
    assert rule.check is not None and rule.name and rule.examples
