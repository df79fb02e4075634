"""Facts about the stage being split, computed once and read by every part of the rewrite.

What each step does (classify), the WORKDIR and USER each instruction runs in, what the
base image ships (rules/data/base_images.toml [ships]), which Python interpreter the
dependency installs use and where it comes from, a virtualenv the Dockerfile makes itself,
and the project's Python and Node manifests in the build context. The splitter asks these
questions instead of re-reading instructions, so there is one answer to each.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property

from slimmer.model.imageref import ImageRef
from slimmer.model.nodes import Instruction, Stage
from slimmer.rewrite.classify import Kind, Step, classify
from slimmer.rules import data
from slimmer.rules.context import Context
from slimmer.rules.facts_layers import copy_parts, workdir_value

APT = ("apt-get", "apt")
# Folders of a context that hold no app code the image runs (tests, dependencies, output).
NOT_APP_DIRS = {"node_modules", ".git", "test", "tests", "__tests__", "spec", "e2e", "coverage", "dist", "build", ".next"}


@dataclass(frozen=True)
class Ships:
    """What a base image ships that a rewrite depends on."""

    known: bool = False
    workdir: str = "/"
    user: str = "root"
    python: str | None = None  # the interpreter's path; None: the image has none
    python_command: str | None = None  # "python" or "python3"
    site_packages: tuple[str, ...] = ()  # distributions preinstalled in that interpreter
    node: str | None = None
    distro: str | None = None  # debian, ubuntu, alpine: keys OS package names


def ships(image: ImageRef | None) -> Ships:
    if image is None or image.is_scratch:
        return Ships(known=image is not None)
    from slimmer.rules.facts_images import image_key

    table = data("base_images").get("ships", {})
    entry = table.get(image_key(image))
    if entry is None:
        return Ships()
    values = {k: v for k, v in entry.items() if k != "tags"}
    words = (image.tag or "").lower().split("-")
    for word, extra in entry.get("tags", {}).items():
        if word in words:
            values.update(extra)
    if "site_packages" in values:
        values["site_packages"] = tuple(values["site_packages"])
    return Ships(known=True, **values)


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def is_root(user: str) -> bool:
    return user.split(":", 1)[0] in ("root", "0", "")


@dataclass
class Venv:
    path: str
    step: Step | None  # the RUN that makes it, when the Dockerfile makes its own


VENV_DEFAULT = "/opt/venv"


@dataclass
class StageFacts:
    ctx: Context
    stage: Stage
    steps: list[Step] = field(init=False)

    def __post_init__(self) -> None:
        self.steps = [classify(i, self.commands(i)) for i in self.stage.instructions]
        for step in self.steps:
            if step.kind == Kind.TEST:
                self._dev_file_with_app_dependencies(step)

    def _dev_file_with_app_dependencies(self, step: Step) -> None:
        """`pip install -r requirements-dev.txt` whose file pulls in the app's own
        requirements (`-r requirements.txt`) or anything but dev tools installs production
        dependencies too: it is a dependency install, not a test step."""
        from slimmer.rules.facts_python import (
            pip_install,
            read_requirements,
            requirement_lines,
        )

        dev_tools = {n.lower() for n in data("python").get("dev_tools", [])}
        for cmd in step.commands:
            pip = pip_install(cmd, step.ins)
            if pip is None or not pip.files:
                continue
            for f in pip.files:
                lines = read_requirements(self.ctx.context_dir, f) or []
                names = {r.name.lower() for r in requirement_lines(lines)[0] if r.name}
                if names - dev_tools:
                    step.kind = Kind.DEPENDENCIES
                    step.tools.add("pip")
                    step.requirement_files.extend(pip.files)
                    return

    def commands(self, ins: Instruction):
        """The RUN's commands; an exec-form RUN ["npm", "install"] is one command as written
        (the rules leave exec form alone, the rewrite needs to know what it does)."""
        cmds = self.ctx.commands(ins)
        if not cmds and ins.keyword == "RUN" and ins.exec_form:
            import shlex

            from slimmer.model.shell import parse_commands

            cmds = parse_commands(" ".join(shlex.quote(a) for a in ins.exec_form))
        return cmds

    # --- the base image ----------------------------------------------------------------
    @cached_property
    def base(self) -> Ships:
        return ships(self.stage.image)

    # --- WORKDIR and USER ----------------------------------------------------------------
    @cached_property
    def workdirs(self) -> list[str | None]:
        """The WORKDIR in force before each instruction (and, last, at the end of the stage);
        None where a variable in it is not known."""
        out: list[str | None] = []
        current: str | None = self.base.workdir
        for ins in self.stage.instructions:
            out.append(current)
            if ins.keyword == "WORKDIR":
                value, known = workdir_value(ins)
                if not known or current is None and not value.startswith("/"):
                    current = None
                else:
                    current = posixpath.normpath(value if value.startswith("/") else posixpath.join(current or "/", value))
                    current = "/" if current == "//" else current
        out.append(current)
        return out

    def workdir_at(self, index: int) -> str | None:
        return self.workdirs[index]

    @property
    def app_dir(self) -> str | None:
        return self.workdirs[-1]

    @cached_property
    def users(self) -> list[str]:
        out: list[str] = []
        current = self.base.user
        for ins in self.stage.instructions:
            out.append(current)
            if ins.keyword == "USER":
                current = ins.expand(unquote(ins.args))
        out.append(current)
        return out

    # --- paths a COPY writes ---------------------------------------------------------------
    def copy_destination(self, index: int) -> str | None:
        """Where the COPY/ADD at `index` puts its files (absolute), None when not known."""
        parts = copy_parts(self.steps[index].ins)
        workdir = self.workdirs[index]
        if parts is None or "$" in parts[1]:
            return None
        dest = unquote(parts[1])
        if dest.startswith("/"):
            return posixpath.normpath(dest)
        if workdir is None:
            return None
        return posixpath.normpath(posixpath.join(workdir, dest))

    def copy_sources(self, index: int) -> list[str]:
        parts = copy_parts(self.steps[index].ins)
        return [posixpath.normpath(unquote(s)) for s in parts[0]] if parts else []

    # --- the Python interpreter ------------------------------------------------------------
    @cached_property
    def apt_python_step(self) -> int | None:
        """Index of the first step that installs Python from OS packages."""
        for i, step in enumerate(self.steps):
            if any(re.fullmatch(r"python3(\.\d+)?(-minimal|-full)?|python-is-python3|python3-pip|python3-venv", p) for p in step.packages):
                return i
        return None

    @cached_property
    def python_command(self) -> str | None:
        """The command that starts the interpreter the installs use: python or python3."""
        if self.base.python_command:
            return self.base.python_command
        if self.apt_python_step is not None:
            packages = self.steps[self.apt_python_step].packages
            return "python" if "python-is-python3" in packages else "python3"
        if not self.base.known:
            # An image slimmer does not know: the command the Dockerfile itself uses.
            used = {c.name for s in self.steps for c in s.commands}
            if "python" in used or "pip" in used:
                return "python"
            if "python3" in used or "pip3" in used:
                return "python3"
        return None

    @cached_property
    def apt_python_needs_venv_package(self) -> bool:
        """Debian and Ubuntu split venv's ensurepip into python3-venv."""
        if self.apt_python_step is None or self.base.python:
            return False
        packages = {p for s in self.steps for p in s.packages}
        return not any(re.fullmatch(r"python3(\.\d+)?-(venv|full)", p) for p in packages)

    @cached_property
    def venv(self) -> Venv:
        """The virtualenv the dependencies go into: the Dockerfile's own, or /opt/venv."""
        for step in self.steps:
            if step.venv_path:
                return Venv(step.venv_path, step)
        env = self.stage.instructions[-1].scope if self.stage.instructions else {}
        declared = env.get("VIRTUAL_ENV")
        if declared and declared.startswith("/") and "$" not in declared:
            return Venv(declared, None)
        return Venv(VENV_DEFAULT, None)

    @property
    def clean_interpreter(self) -> bool:
        """The base's Python has nothing installed but pip (the official python images):
        an isolated venv loses nothing. Elsewhere (an OS Python with python3-* packages, an
        image slimmer does not know) the venv must see the system's site-packages."""
        return self.base.python == "/usr/local/bin/python" and not self.base.site_packages

    @property
    def base_site_packages(self) -> tuple[str, ...]:
        """Distributions the base's interpreter ships (torch on pytorch/pytorch): a venv
        has to see them (--system-site-packages)."""
        if self.base.site_packages:
            return self.base.site_packages
        if self.base.python and self.base.python.startswith("/opt/conda"):
            return ("conda's base environment",)
        return ()

    # --- manifests in the context -------------------------------------------------------
    def context_path(self, name: str) -> str:
        return os.path.join(self.ctx.context_dir, name)

    def context_has(self, name: str) -> bool:
        return os.path.exists(self.context_path(name))

    @cached_property
    def package_json(self) -> dict | None:
        try:
            with open(self.context_path("package.json"), encoding="utf-8") as fh:
                loaded = json.load(fh)
        except (OSError, ValueError, RecursionError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def steps_of(self, *kinds: Kind) -> list[Step]:
        return [s for s in self.steps if s.kind in kinds]

    def index(self, step: Step) -> int:
        return self.steps.index(step)


def app_sources(context_dir: str, accept, limit: int = 2000):
    """(path relative to the context, text) of the context's files whose name `accept`
    takes, outside test, dependency, output and hidden folders, in a stable order; read
    through context_files (confined to the context, size capped); at most `limit` files."""
    from slimmer.rules.context_files import read_text

    seen = 0
    for folder, dirs, files in os.walk(context_dir):
        dirs[:] = sorted(d for d in dirs if d not in NOT_APP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not accept(name):
                continue
            seen += 1
            if seen > limit:
                return
            rel = os.path.relpath(os.path.join(folder, name), context_dir)
            text = read_text(context_dir, rel)
            if text is not None:
                yield rel, text


def instruction_words(ins: Instruction) -> list[str]:
    """CMD/ENTRYPOINT words: the exec form, or the shell form split like a shell would."""
    if ins.exec_form is not None:
        return list(ins.exec_form)
    import shlex

    try:
        return shlex.split(ins.args)
    except ValueError:
        return ins.args.split()
