"""Python: dependencies into a virtualenv in the builder (pip, poetry, pipenv, uv), copied
whole into the runtime on the slim base; the venv sees the base interpreter's packages
where the base ships some; poetry and uv install the dependencies before the source and
the project after it."""

from __future__ import annotations

import posixpath
import re

from slimmer.rewrite.classify import Kind, Step, pip_runtime_libraries
from slimmer.rewrite.facts import is_root
from slimmer.rewrite.plan_types import Piece, Refuse, under
from slimmer.rules.facts_layers import dependency_install

NAME = "python"
BASE_REPOSITORIES = {"python"}
PY_MANIFESTS = ("pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock", "uv.lock", "setup.py", "setup.cfg")


def detect_tools(tools: set[str], facts) -> bool:
    if tools & {"pip", "poetry", "pipenv", "uv"} or any(s.venv_path for s in facts.steps):
        return True
    # No install, but the container runs Python (a compiled extension loaded with ctypes).
    from slimmer.rewrite.facts import instruction_words

    runs = [instruction_words(i)[:1] for i in facts.stage.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
    return any(w and re.fullmatch(r"python[0-9.]*", w[0].rsplit("/", 1)[-1]) for w in runs) and "nvcc" in tools


class Python:
    app_from_builder = False  # a build step writes into the app folder: copy it from the builder
    def venv_creation(self, step: Step) -> list[Piece]:
        facts = self.facts
        python = facts.python_command
        if python is None:
            raise Refuse(f"no Python interpreter is known in {self.stage.base} before line {step.ins.line}: the virtualenv cannot be made")
        apt_at = facts.apt_python_step
        if apt_at is not None and not facts.base.python and apt_at >= self.steps.index(step):
            raise Refuse(f"line {step.ins.line} installs Python and the dependencies in one RUN: the virtualenv cannot be made between them")
        out: list[Piece] = []
        if facts.apt_python_needs_venv_package:
            out.append(self.new(
                "RUN apt-get update && apt-get install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*"
            ))
            self.change("split", "python3-venv (ensurepip) lets the OS Python make the virtualenv", step.ins.line)
        flags = ""
        if facts.base_site_packages:
            flags = " --system-site-packages"
            self.change("split", f"the virtualenv sees what {self.stage.base} ships ({', '.join(facts.base_site_packages)})", step.ins.line)
        elif not facts.clean_interpreter:
            flags = " --system-site-packages"
            self.change("split", f"the virtualenv sees the packages of {self.stage.base}'s own Python, as the original installs did", step.ins.line)
        venv = facts.venv.path
        out.append(self.new(f"RUN {python} -m venv{flags} {venv}"))
        if self.uv_syncs(self.install_steps()):
            # uv sync installs into the project's .venv unless told otherwise (uv's docs).
            out.append(self.new(f'ENV VIRTUAL_ENV={venv} UV_PROJECT_ENVIRONMENT={venv} UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy PATH="{venv}/bin:$PATH"'))
            self.change("split", f"uv sync installs into {venv} (UV_PROJECT_ENVIRONMENT), compiled to bytecode, copied not linked", step.ins.line)
            return out
        out.append(self.new(f'ENV VIRTUAL_ENV={venv} PATH="{venv}/bin:$PATH"'))
        self.change("split", f"dependencies go into a virtualenv at {venv}, copied whole into the runtime", step.ins.line)
        return out

    def builder_python(self) -> list[Piece]:
        out = self.builder_header()
        if not is_root(self.facts.base.user):
            out.append(self.new("USER root"))
            self.change("split", f"the build runs as root: {self.stage.base} runs as {self.facts.base.user}, who cannot write {self.facts.venv.path}")
        # A front-end build (yarn build, npm run build) writes into the app folder: it runs
        # in the builder with the source, and the runtime gets the app folder from there.
        builds = [s for s in self.steps if s.kind == Kind.BUILD]
        self.app_from_builder = bool(builds)
        if builds and self.facts.app_dir in (None, "/"):
            raise Refuse(f"line {builds[0].ins.line} builds in / (no WORKDIR): slimmer cannot copy what it writes apart from the base image's files")
        installs = self.install_steps()
        if not installs and not builds:
            raise Refuse("no dependency install found: nothing to build in a builder stage")
        for step in installs:
            for cmd in step.commands:
                if cmd.name == "uv" and cmd.subcommand == "pip" and cmd.has_option("--system"):
                    raise Refuse(f"line {step.ins.line} installs into the system Python (`uv pip install --system`), which no virtualenv copy reaches")
                if cmd.is_("pip", "install") and cmd.has_option("--target", "-t", "--prefix", "--root"):
                    raise Refuse(f"line {step.ins.line} installs to a folder of its own (--target/--prefix), which the virtualenv copy does not reach")
        last_install = max(self.steps.index(s) for s in installs + builds)
        # poetry installs the project with its dependencies; split in two (dependencies from
        # the manifests, then the project after the source) so a source edit keeps the
        # dependency layer.
        split_root = self.poetry_can_split(installs) or self.uv_can_split(installs)
        needs_source = any(s.needs_source and not (split_root and s.poetry_root) for s in installs)
        needs_source = needs_source or self.app_from_builder or self.skipped("order") or not self.whole_copy_lands_in_workdir(installs)
        self.python_source_in_builder = needs_source or split_root
        venv_done = any(s.venv_path for s in installs)
        manifests_done = False
        for step in self.steps[: last_install + 1]:
            if self.env_like(step):
                out += self.keep(step.ins)
            elif step.kind == Kind.OS_PACKAGES:
                out += self.keep(step.ins)
            elif step.kind == Kind.COPY_CONTEXT:
                if self.copy_is_whole_context(step) and not needs_source:
                    continue  # replaced by the manifests below
                out += self.keep(step.ins)
            elif step.kind == Kind.DEPENDENCIES:
                if step.venv_path and not step.tools:
                    out += self.keep(step.ins)  # the Dockerfile's own venv, made before the installs
                    continue
                if not venv_done and not step.venv_path:
                    out += self.venv_creation(step)
                    venv_done = True
                if not manifests_done and not needs_source and self.reads_manifests(step):
                    files = self.python_manifests(installs)
                    out += self.manifest_copies(files)
                    manifests_done = True
                pieces = self.production_only(step, no_root=split_root and step.poetry_root)
                if "uv" in step.tools and step.poetry_root:
                    self.uv_dependencies_line = pieces[-1].text
                out += pieces
            elif step.kind == Kind.BUILD:
                out += self.keep(step.ins)
        if split_root and not needs_source:
            for step in self.steps[: last_install + 1]:
                if step.kind == Kind.COPY_CONTEXT and self.copy_is_whole_context(step):
                    out += self.keep(step.ins, with_trivia=False)
            if self.uv_can_split(installs):
                # The same sync (with the same groups), the project included this time.
                out.append(Piece(self.uv_dependencies_line.replace(" --no-install-project", "", 1)))
                self.change("order", "uv installs the dependencies from pyproject.toml and uv.lock first (--no-install-project), the project after the source")
            else:
                out.append(self.new("RUN poetry install --only-root --no-interaction --no-ansi"))
                self.change("order", "poetry installs the dependencies from pyproject.toml and poetry.lock first, the project after the source")
        return out

    def uv_syncs(self, installs: list[Step]) -> list[Step]:
        return [s for s in installs if any(c.name == "uv" and c.subcommand == "sync" for c in s.commands)]

    def uv_can_split(self, installs: list[Step]) -> bool:
        """`uv sync --no-install-project` from pyproject.toml and uv.lock, then `uv sync`
        after the source (as uv's Docker guide does)."""
        syncs = self.uv_syncs(installs)
        if self.skipped("order") or len(syncs) != 1 or not (self.context_has("pyproject.toml") and self.context_has("uv.lock")):
            return False
        return syncs[0].poetry_root

    uv_dependencies_line = ""

    def reads_manifests(self, step: Step) -> bool:
        """An install from the project's manifests (not `pip install --upgrade pip`)."""
        return bool(step.requirement_files or step.needs_source or {"poetry", "pipenv", "uv", "pdm"} & step.tools) or any(
            dependency_install(c) is not None for c in step.commands
        )

    def poetry_can_split(self, installs: list[Step]) -> bool:
        """`poetry install --no-root` then `--only-root` (Poetry 1.4+), when the lock file is
        in the context and the Dockerfile installs a Poetry that has --only-root."""
        if self.skipped("order") or not any(s.poetry_root for s in installs):
            return False
        if not (self.context_has("pyproject.toml") and self.context_has("poetry.lock")):
            return False
        for step in installs:
            for cmd in step.commands:
                if cmd.is_("pip", "install"):
                    for word in cmd.words[1:]:
                        m = re.fullmatch(r"poetry(?:==(\d+)\.(\d+)[\w.]*)?", word.lower())
                        if m and m.group(1) is not None and (int(m.group(1)), int(m.group(2))) < (1, 4):
                            return False
        return True

    def production_only(self, step: Step, no_root: bool = False) -> list[Piece]:
        """poetry/pipenv installs without their dev groups; the test stage installs them.
        With no_root, poetry installs the dependencies only (the project comes later)."""
        pieces = self.keep_with_mounts(step, "/root/.cache/pip")
        if no_root and "uv" in step.tools:
            pieces[-1] = Piece(re.sub(r"(uv\s+sync)\b", r"\1 --no-install-project", pieces[-1].text, count=1))
        elif no_root:
            pieces[-1] = Piece(re.sub(r"(poetry\s+install)\b", r"\1 --no-root", pieces[-1].text, count=1))
        if self.skipped("prod-deps") or not any(k.kind == Kind.TEST for k in self.steps):
            return pieces
        raw = pieces[-1].text
        new = raw
        if "poetry" in step.tools and not re.search(r"--(only|without|no-dev)\b", raw):
            new = re.sub(r"(poetry\s+install)\b", r"\1 --only main", raw, count=1)
        elif "uv" in step.tools and re.search(r"uv\s+sync\b", raw) and not re.search(r"--(no-dev|dev|only-dev|all-groups|group)\b", raw):
            new = re.sub(r"(uv\s+sync)\b", r"\1 --no-dev", raw, count=1)
        elif "pipenv" in step.tools:
            new = re.sub(r"\s--dev\b", "", raw, count=1)
        if new != raw:
            self.dev_installs.append(step)
            self.change("prod-deps", "the runtime gets main dependencies only; the test stage installs the dev group", step.ins.line)
            pieces[-1] = Piece(new)
        return pieces

    def python_manifests(self, installs: list[Step]) -> list[str]:
        files: list[str] = []
        copied = self.copied_before_first_install()
        for s in installs:
            for f in s.requirement_files:
                if posixpath.normpath(f) not in copied and f not in files:
                    files.append(f)
            if {"poetry", "pipenv", "uv"} & s.tools:
                for name in PY_MANIFESTS:
                    if self.context_has(name) and name not in files and name not in copied:
                        files.append(name)
        return files

    def copied_before_first_install(self) -> set[str]:
        """Context files copied on their own before the first install, by their path in the
        context and by their path in the image (`COPY ./requirements.txt /code/...`)."""
        names: set[str] = set()
        for i, step in enumerate(self.steps):
            if step.kind == Kind.DEPENDENCIES and step.tools and self.reads_manifests(step):
                break
            if step.kind == Kind.COPY_CONTEXT and not self.copy_is_whole_context(step):
                names.update(self.facts.copy_sources(i))
                names.update(posixpath.basename(s) for s in self.facts.copy_sources(i))
        return names

    def python_distributions(self) -> list[str]:
        """The distributions the installs name, from the command lines and requirement files."""
        from slimmer.rules.facts_python import (
            pip_install,
            read_requirements,
            requirement_lines,
        )

        names: list[str] = []
        for step in self.install_steps():
            for cmd in step.commands:
                pip = pip_install(cmd, step.ins)
                if pip is None:
                    continue
                reqs = list(pip.requirements)
                for f in pip.files:
                    reqs += requirement_lines(read_requirements(self.ctx.context_dir, f) or [])[0]
                names += [r.name for r in reqs if r.name]
        return names

    def runtime_python(self, base: str, prune: bool = False) -> list[Piece]:
        out = self.runtime_header(base, "the slim base and what the app needs to run")
        if base != self.stage.base and not self.skipped("runtime-libs"):
            libs = pip_runtime_libraries(self.python_distributions(), self.facts.base.distro)
            packages = sorted({p for ps in libs.values() for p in ps} - self.runtime_os_packages())
            if packages:
                out.append(self.new(self.os_install(packages, self.facts.base.distro == "alpine")))
                why = ", ".join(f"{d} needs {' '.join(ps)}" for d, ps in sorted(libs.items()))
                self.change("runtime-libs", f"the slim base lacks what these packages need at run time: {why}")
        venv_done = False
        steps = self.runtime_order()
        first_install = next((i for i, s in enumerate(steps) if s.kind == Kind.DEPENDENCIES), None)
        app = self.facts.app_dir or "/"
        app_copied = False
        for i, step in enumerate(steps):
            if not venv_done and first_install is not None and (
                i == first_install or (step.kind == Kind.COPY_CONTEXT and i < first_install and self.copy_is_whole_context(step))
            ):
                out += self.venv_copy()
                venv_done = True
            if self.app_from_builder and step.kind == Kind.COPY_CONTEXT:
                dest = self.facts.copy_destination(self.steps.index(step))
                if dest is None:
                    raise Refuse(f"line {step.ins.line} copies to a path slimmer cannot resolve")
                if under(dest, app):
                    if not app_copied:
                        out.append(self.new(f"COPY --from={self.builder} {app} {app}"))
                        self.change("split", f"the app folder {app} (sources and what the build wrote) comes from the builder", step.ins.line)
                        app_copied = True
                    continue
            out += self.runtime_step(step)
        return out

    def venv_copy(self) -> list[Piece]:
        venv = self.facts.venv
        self.change("split", f"the virtualenv {venv.path} is copied from the builder")
        out = [self.new(f"COPY --from={self.builder} {venv.path} {venv.path}")]
        if venv.step is None and venv.path != self.stage.instructions[-1].scope.get("VIRTUAL_ENV"):
            out.append(self.new(f'ENV VIRTUAL_ENV={venv.path} PATH="{venv.path}/bin:$PATH"'))
        return out
