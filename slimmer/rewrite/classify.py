"""What each instruction of the stage being split does, read from the model.

A RUN is classified from its shell commands (bashlex), never from its text. Anything
slimmer does not understand is UNKNOWN: it stays in the runtime stage as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from slimmer.model.nodes import Instruction
from slimmer.model.shell import Command, scan_options
from slimmer.rules import data
from slimmer.rules.facts_layers import dependency_install

# Commands that only set up the shell or print: they do not change what a RUN is.
NOISE = {"set", "echo", "true", ":", "printf", "cd", "export", "test", "[", "ls", "which", "env"}
SETUP = {"useradd", "groupadd", "adduser", "addgroup", "usermod", "mkdir", "chown", "chmod", "ln", "touch", "cp", "mv"}
TOOLCHAIN_BINARIES = {"gcc", "g++", "cc", "c++", "make", "cmake", "clang", "go", "cargo", "rustc", "javac", "mvn", "gradle"}
TEST_TOOLS = {"pytest", "py.test", "tox", "nox", "jest", "mocha", "vitest", "eslint", "flake8", "ruff", "mypy", "black", "pylint"}
DEV_REQUIREMENTS = re.compile(r"(^|/)(requirements[-_.]?(dev|test|tests|ci|lint)|(dev|test)[-_]?requirements)[^/]*\.(txt|in)$|(^|/)requirements/(dev|test|tests|ci|lint)\.(txt|in)$")
DEV_EXTRAS = re.compile(r"\[[^\]]*\b(dev|test|tests|lint|ci)\b[^\]]*\]")
APT = {"apt-get", "apt"}


class Kind(Enum):
    META = "meta"  # ENV, LABEL, EXPOSE, CMD ... : kept in the runtime as written
    COPY_CONTEXT = "copy-context"  # COPY/ADD from the build context
    COPY_OTHER = "copy-other"  # COPY --from, ADD of a URL
    OS_PACKAGES = "os-packages"  # apt/apk install (and its update/clean-up)
    DEPENDENCIES = "dependencies"  # pip/npm/yarn/poetry/go mod installs of the project's deps
    BUILD = "build"  # go build, npm run build, tsc
    TEST = "test"  # tests, linters and the dev dependencies they need
    SETUP = "setup"  # users, folders, permissions: kept in the runtime
    APP = "app"  # runs the app's own code with the interpreter (python train.py): in the runtime
    UNKNOWN = "unknown"  # anything else: kept in the runtime as written


@dataclass
class Step:
    ins: Instruction
    kind: Kind
    commands: tuple[Command, ...] = ()
    packages: list[str] = field(default_factory=list)  # OS packages installed
    tools: set[str] = field(default_factory=set)  # dependency tools used (pip, npm, ...)
    requirement_files: list[str] = field(default_factory=list)  # pip -r FILE
    needs_source: bool = False  # installs the project itself (pip install ., poetry install)
    poetry_root: bool = False  # `poetry install` that also installs the project (no --no-root)
    outputs: list[str] = field(default_factory=list)  # go build -o PATH
    venv_path: str | None = None  # `python -m venv PATH`: the Dockerfile makes its own venv
    global_cli: bool = False  # `npm install -g serve`: a CLI the container may run
    why: str = ""  # for UNKNOWN: why slimmer left it alone


def _os_packages(cmd: Command) -> list[str] | None:
    if cmd.name in APT and cmd.subcommand == "install":
        return [re.split(r"[=:]", w, maxsplit=1)[0] for w in cmd.words[1:] if not w.startswith("$")]
    if cmd.name == "apk" and cmd.subcommand == "add":
        return [w for w in cmd.words[1:] if not w.startswith("$")]
    return None


def _is_os_housekeeping(cmd: Command) -> bool:
    if cmd.name in APT and cmd.subcommand in ("update", "clean", "autoremove", "purge", "remove"):
        return True
    if cmd.name == "apk" and cmd.subcommand in ("update", "del"):
        return True
    if cmd.name in ("npm", "yarn", "pnpm") and cmd.subcommand == "cache":
        return True
    if cmd.name in ("pip", "pip3") and cmd.subcommand == "cache":
        return True
    if cmd.name == "rm" and all(w.startswith(("/var/lib/apt", "/var/cache/apt", "/var/cache/apk", "/tmp")) for w in cmd.words):
        return True
    return False


PIP_VALUE_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root"}


def _pip_words(cmd: Command) -> list[str]:
    """What a pip install names, option values left out."""
    _, words = scan_options(cmd.args, PIP_VALUE_OPTIONS)
    return words[1:]  # after "install"


def _is_dev_install(cmd: Command) -> bool:
    if cmd.is_("pip", "install"):
        values = _option_values(cmd, "-r", "--requirement")
        words = _pip_words(cmd)
        if values and all(DEV_REQUIREMENTS.search(v) for v in values) and not words:
            return True
        if words and not values and all(DEV_EXTRAS.search(w) or w.split("=")[0].split("[")[0] in TEST_TOOLS for w in words):
            return True
    return False


RUNNERS = {"uv", "poetry", "pipenv", "pdm", "hatch"}


def _is_test(cmd: Command) -> bool:
    name, sub = cmd.name, cmd.subcommand
    if name in RUNNERS and sub == "run":
        # `uv run pytest`, `poetry run pytest -q`: the command after `run` is what runs.
        rest = cmd.args[cmd.args.index("run") + 1 :]
        words = [w for w in rest if not w.startswith("-")]
        return bool(words) and (words[0] in TEST_TOOLS or _is_test(Command(tuple(words))))
    if name in TEST_TOOLS or (name == "npx" and cmd.words and cmd.words[0] in TEST_TOOLS):
        return True
    if name in ("npm", "yarn", "pnpm") and (sub in ("test", "t") or (sub == "run" and len(cmd.words) > 1 and re.match(r"(test|lint)", cmd.words[1]))):
        return True
    if name == "python" or re.fullmatch(r"python[0-9.]*", name):
        return len(cmd.args) > 1 and cmd.args[0] == "-m" and cmd.args[1] in TEST_TOOLS
    if name == "go" and sub in ("test", "vet"):
        return True
    if name == "manage.py" or (len(cmd.args) > 1 and cmd.args[0].endswith("manage.py") and cmd.args[1] == "test"):
        return True
    return False


GO_VALUE_OPTIONS = {
    "-o", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-p", "-modfile", "-overlay",
    "-pgo", "-buildmode", "-compiler", "-installsuffix", "-pkgdir", "-toolexec",
}  # fmt: skip


def _option_values(cmd: Command, *names: str) -> list[str]:
    """Values of the named options; go's single-dash long flags are not short clusters."""
    if cmd.name == "go":
        options, _ = scan_options(cmd.args, GO_VALUE_OPTIONS, clusters=False)
    else:
        options, _ = scan_options(cmd.args, PIP_VALUE_OPTIONS | set(names))
    return [v for n, v in options if n in names and v is not None]


def _is_build(cmd: Command) -> bool:
    name, sub = cmd.name, cmd.subcommand
    if name == "go" and sub in ("build", "install"):
        return True
    if name in ("npm", "yarn", "pnpm") and (sub == "build" or (sub == "run" and len(cmd.words) > 1 and cmd.words[1].startswith("build"))):
        return True
    if name in ("tsc", "webpack", "vite", "next", "esbuild", "npx", "nvcc"):
        return True
    return False


def _installs_tooling(cmd: Command) -> bool:
    """`pip install poetry`, `npm install -g yarn`: tools for the dependency install."""
    if cmd.is_("pip", "install"):
        words = [re.split(r"[=<>~!\[]", w, maxsplit=1)[0].lower() for w in _pip_words(cmd)]
        return bool(words) and all(w in ("poetry", "pipenv", "uv", "pip", "setuptools", "wheel", "pdm") for w in words)
    if cmd.name == "npm" and cmd.subcommand in ("install", "i") and cmd.has_option("-g", "--global"):
        return True
    if cmd.name == "yarn" and cmd.subcommand == "global":
        return True
    if cmd.name == "corepack":
        return True
    # Configuring the dependency tool belongs with the install it configures.
    if cmd.name in ("poetry", "pip", "npm", "yarn", "pnpm", "pipenv", "pdm") and cmd.subcommand == "config":
        return True
    return False


TOOLING_CLIS = {"npm", "yarn", "pnpm", "corepack", "npm-check-updates"}


def _global_cli(cmd: Command) -> bool:
    """`npm install -g serve` or `yarn global add pm2`: a program, not the package manager."""
    if cmd.name == "npm" and cmd.subcommand in ("install", "i") and cmd.has_option("-g", "--global"):
        words = cmd.words[1:]
    elif cmd.name == "yarn" and cmd.words[:2] == ("global", "add"):
        words = cmd.words[2:]
    else:
        return False
    return any(re.sub(r"(?<=.)@.*$", "", w) not in TOOLING_CLIS for w in words)


def _pip_project_install(cmd: Command) -> bool:
    """pip install . / -e . : the project itself, which needs the source."""
    return cmd.is_("pip", "install") and any(re.match(r"^\.{1,2}(/|\[|$)|^/", w) for w in _pip_words(cmd))


PYTHON = re.compile(r"python(\d(\.\d+)?)?")


def _venv_path(ins: Instruction, cmd: Command) -> str | None:
    """The folder of `python -m venv DIR`, `virtualenv DIR` or `uv venv DIR`."""
    args = list(cmd.args)
    if cmd.name == "venv":  # `python -m venv DIR`, as the shell model names it
        words = [a for a in args if not a.startswith("-")]
    elif PYTHON.fullmatch(cmd.name) and args[:2] == ["-m", "venv"]:
        words = [a for a in args[2:] if not a.startswith("-")]
    elif cmd.name == "virtualenv":
        words = [a for a in args if not a.startswith("-")]
    elif cmd.name == "uv" and cmd.subcommand == "venv":
        words = [a for a in args[1:] if not a.startswith("-")] or [".venv"]
    else:
        return None
    if len(words) != 1:
        return None
    path = ins.expand(words[0])
    return path if "$" not in path else None


def _is_app_run(cmd: Command) -> bool:
    """`python train.py`, `python -m nltk.downloader x`, `python manage.py collectstatic`:
    the app's own code run with the interpreter, which needs no compiler."""
    if not PYTHON.fullmatch(cmd.name) or not cmd.args:
        return False
    first = cmd.args[0]
    if first == "-m":
        return len(cmd.args) > 1 and cmd.args[1] not in ("pip", "venv", "ensurepip", "build", "compileall") | TEST_TOOLS
    if first == "-c":
        return True
    if first.startswith("-"):
        return False
    script = first.rsplit("/", 1)[-1]
    if script == "setup.py":
        return False  # builds extensions with the compiler
    return script.endswith(".py")


def classify_run(ins: Instruction, cmds: tuple[Command, ...]) -> Step:
    step = Step(ins, Kind.UNKNOWN, cmds)
    if ins.exec_form is not None and not cmds:
        step.why = "exec-form RUN: not read"
        return step
    if ins.heredocs:
        step.why = "heredoc script: left as written"
        return step
    kinds: set[Kind] = set()
    for c in cmds:
        if c.name in NOISE:
            continue
        packages = _os_packages(c)
        if packages is not None:
            kinds.add(Kind.OS_PACKAGES)
            step.packages.extend(packages)
        elif _is_os_housekeeping(c):
            continue
        elif c.is_("pip", "install") and c.has_option("--user"):
            step.why = "`pip install --user` writes to the user's home, which no virtualenv copy reaches"
            kinds.add(Kind.UNKNOWN)
        elif _is_dev_install(c) or _is_test(c):
            kinds.add(Kind.TEST)
        elif c.is_("pip", "uninstall"):
            kinds.add(Kind.DEPENDENCIES)
            step.tools.add("pip")
        elif _venv_path(ins, c) is not None:
            kinds.add(Kind.DEPENDENCIES)
            step.venv_path = _venv_path(ins, c)
        elif _installs_tooling(c):
            kinds.add(Kind.DEPENDENCIES)
            step.tools.add(c.name)
            if _global_cli(c):
                step.global_cli = True
        elif c.name == "go" and (c.subcommand == "get" or c.words[:2] == ("mod", "tidy")):
            kinds.add(Kind.DEPENDENCIES)  # fetches modules for the build, like go mod download
            step.tools.add("go")
        elif dependency_install(c) is not None or c.is_("pip", "install"):
            kinds.add(Kind.DEPENDENCIES)
            tool = "pip" if c.is_("pip", "install") else c.name
            step.tools.add(tool)
            if tool == "pip":
                # Requirement and constraint files, and local wheel folders, are manifests too.
                step.requirement_files.extend(_option_values(c, "-r", "--requirement", "-c", "--constraint"))
                step.requirement_files.extend(
                    v for v in _option_values(c, "-f", "--find-links") if not re.match(r"^[a-z]+://", v)
                )
            if _pip_project_install(c):
                step.needs_source = True
            elif c.name == "poetry" and c.subcommand == "install" and not c.has_option("--no-root", "--only-root"):
                step.needs_source = True
                step.poetry_root = True
            elif c.name == "uv" and c.subcommand == "sync" and not c.has_option("--no-install-project"):
                step.needs_source = True  # uv sync installs the project too
                step.poetry_root = True
        elif _is_build(c):
            kinds.add(Kind.BUILD)
            step.outputs.extend(_option_values(c, "-o"))
            step.tools.add(c.name)
        elif c.name in SETUP:
            kinds.add(Kind.SETUP)
        elif _is_app_run(c):
            kinds.add(Kind.APP)
        elif c.name in ("curl", "wget") and any(x.name in ("sh", "bash") for x in cmds):
            step.why = "runs a downloaded installer script: slimmer cannot tell what it writes"
            return step
        else:
            if not step.why:
                step.why = f"`{c.name}` is not a step slimmer knows how to move"
            kinds.add(Kind.UNKNOWN)
    if not kinds:
        housekeeping = [c for c in cmds if c.name not in NOISE]
        if housekeeping and all(_is_os_housekeeping(c) for c in housekeeping):
            step.kind = Kind.OS_PACKAGES  # `RUN apt-get update` on its own
        else:
            step.kind = Kind.SETUP if cmds else Kind.UNKNOWN
        return step
    if kinds == {Kind.OS_PACKAGES}:
        step.kind = Kind.OS_PACKAGES
    elif kinds == {Kind.TEST} or kinds == {Kind.TEST, Kind.DEPENDENCIES} and _only_dev(cmds):
        step.kind = Kind.TEST
    elif kinds <= {Kind.DEPENDENCIES, Kind.OS_PACKAGES}:
        step.kind = Kind.DEPENDENCIES
    elif kinds <= {Kind.BUILD, Kind.DEPENDENCIES}:
        step.kind = Kind.BUILD
    elif kinds == {Kind.SETUP}:
        step.kind = Kind.SETUP
    elif kinds <= {Kind.APP, Kind.SETUP}:
        step.kind = Kind.APP
    else:
        step.kind = Kind.UNKNOWN
        if not step.why:
            step.why = "mixes " + " and ".join(sorted(k.value for k in kinds)) + " in one RUN"
    return step


def _only_dev(cmds: tuple[Command, ...]) -> bool:
    return all(c.name in NOISE or _is_dev_install(c) or _is_test(c) for c in cmds)


def classify(ins: Instruction, cmds: tuple[Command, ...]) -> Step:
    kw = ins.keyword
    if kw == "RUN":
        return classify_run(ins, cmds)
    if kw in ("COPY", "ADD"):
        if ins.flag("from") is not None or ins.heredocs:
            return Step(ins, Kind.COPY_OTHER)
        sources = ins.exec_form[:-1] if ins.exec_form else ins.args.split()[:-1]
        if kw == "ADD" and any(re.match(r"^(https?|git)://|^git@", s) for s in sources):
            return Step(ins, Kind.COPY_OTHER)
        return Step(ins, Kind.COPY_CONTEXT)
    return Step(ins, Kind.META)


def toolchain_packages() -> set[str]:
    return set(data("packages")["toolchain"])


def runtime_packages(packages: list[str], distro: str | None = None) -> tuple[list[str], list[str]]:
    """(packages the runtime needs, packages only the build needs).

    A -dev package keeps its runtime library (libpq-dev -> libpq5, postgresql-dev -> libpq
    on Alpine); toolchains go.
    """
    table = data("packages")
    mapping = table.get("dev_to_runtime_by_distro", {}).get(distro or "") or table["dev_to_runtime"]
    toolchain = toolchain_packages()
    keep: list[str] = []
    drop: list[str] = []
    for p in packages:
        if p in mapping:
            drop.append(p)
            if mapping[p] not in keep:
                keep.append(mapping[p])
        elif p in toolchain or p.endswith(("-dev", "-devel")) or p.startswith(("gcc", "g++", "cpp-")):
            drop.append(p)
        elif p not in keep:
            keep.append(p)
    return keep, drop


def pip_runtime_libraries(distributions: list[str], distro: str | None) -> dict[str, list[str]]:
    """OS libraries the named Python distributions load at run time, and OS programs they
    run when imported: {distribution: [packages]}."""
    tables = data("packages")
    table = {**tables.get("pip_runtime_libs", {}).get(distro or "debian", {})}
    for dist, programs in tables.get("pip_runtime_programs", {}).get(distro or "debian", {}).items():
        table[dist] = table.get(dist, []) + programs
    out: dict[str, list[str]] = {}
    for name in distributions:
        key = re.sub(r"[-_.]+", "-", name).lower()
        for dist, libs in table.items():
            if re.sub(r"[-_.]+", "-", dist).lower() == key:
                out[name] = list(libs)
    return out
