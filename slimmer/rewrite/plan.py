"""The rewrite plan: which stages the output has and which instruction goes where.

The splitter reads the stage's facts (slimmer/rewrite/facts.py: what each step does, the
WORKDIR and USER, what the base image ships, the interpreter), lays out the builder, test,
production and runtime stages, and then checks the invariants a split must keep; when one
does not hold it refuses with the reason instead of emitting an image that breaks.

Untouched instructions are carried as their original nodes (comments before them come
along), so they render byte for byte; every new or changed line carries the reason
slimmer wrote it.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
from dataclasses import dataclass, field

from slimmer.model.nodes import Blank, Comment, Dockerfile, Instruction, Node
from slimmer.rewrite.classify import Kind, Step, pip_runtime_libraries, runtime_packages
from slimmer.rewrite.facts import StageFacts, instruction_words, is_root, ships
from slimmer.rules import data
from slimmer.rules.context import Context
from slimmer.rules.facts_layers import dependency_install

# The rewrite's passes: each can be switched off alone with --skip NAME.
PASSES = {
    "split": "split the single stage into a builder with the toolchain and a runtime on a slimmer base",
    "order": "copy dependency manifests before the source and install OS packages before it",
    "runtime-libs": "the runtime installs runtime libraries in place of -dev packages and toolchains",
    "prod-deps": "production dependencies only in the runtime; tests and dev groups in a `test` stage",
    "cuda": "a CUDA -devel base becomes -runtime in the runtime stage",
    "hygiene": "safe layer-hygiene fixes (caches, apt lists) on the stages that ship",
}
TRANSFORMS = tuple(PASSES) + ("cache-mounts", "exec-form")
NODE_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc")
PY_MANIFESTS = ("pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock", "uv.lock", "setup.py", "setup.cfg")
# Files of a Go context that a binary does not read at run time.
GO_SOURCE = re.compile(r"(\.go|^go\.(mod|sum|work)|\.md|^LICENSE.*|^Dockerfile.*|^\.dockerignore|^\.gitignore|^Makefile)$", re.I)
SOURCE_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")
NOT_APP_DIRS = {"node_modules", ".git", "test", "tests", "__tests__", "spec", "e2e", "coverage", "dist", "build", ".next"}


@dataclass
class Change:
    kind: str  # one of TRANSFORMS
    line: int | None  # the original line it concerns, if any
    reason: str


@dataclass
class Piece:
    """A run of output text: original nodes kept as they were, or new text."""

    text: str
    node: Node | None = None


@dataclass
class Options:
    skip: set[str] = field(default_factory=set)
    cpu_only: bool = False
    cache_mounts: bool = False
    exec_form: bool = False
    target: str | None = None


class Refuse(Exception):
    """The stage cannot be split safely; the reason says why."""


def leading_trivia(df: Dockerfile) -> dict[int, list[Node]]:
    """Comments and blank lines directly above each instruction move with it."""
    out: dict[int, list[Node]] = {}
    pending: list[Node] = []
    for node in df.nodes:
        if isinstance(node, Instruction):
            out[id(node)] = pending
            pending = []
        elif isinstance(node, (Comment, Blank)):
            pending.append(node)
        else:
            pending = []
    return out


def _ecosystem(facts: StageFacts) -> str | None:
    image = facts.stage.image
    repo = image.name if image else ""
    tools = {t for s in facts.steps for t in s.tools}
    by_base = {"golang": "go", "node": "node", "python": "python"}
    if repo in by_base:
        return by_base[repo]
    if "go" in tools:
        return "go"
    if repo in ("node",) or tools & {"npm", "yarn", "pnpm"}:
        return "node"
    if repo == "python" or tools & {"pip", "poetry", "pipenv", "uv"} or any(s.venv_path for s in facts.steps):
        return "python"
    return None


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    candidate = f"slimmer-{name}"
    n = 2
    while candidate in taken:
        candidate = f"slimmer-{name}-{n}"
        n += 1
    return candidate


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class Splitter:
    """Splits one single-stage build into builder (+ test, production) and runtime stages."""

    def __init__(self, df: Dockerfile, ctx: Context, opts: Options):
        self.df = df
        self.ctx = ctx
        self.opts = opts
        self.nl = df.newline
        self.trivia = leading_trivia(df)
        self.stage = ctx.target
        self.facts = StageFacts(ctx, self.stage)
        self.steps = self.facts.steps
        self.changes: list[Change] = []
        self.notes: list[Change] = []
        self.dev_installs: list[Step] = []  # installs whose dev groups moved to the test stage
        self.dropped: list[str] = []  # what leaves the image: the split's gain
        taken = {s.name for s in df.stages if s.name}
        self.builder = _unique("builder", taken)
        self.test_name = _unique("test", taken)
        self.production = _unique("production", taken)

    # --- helpers -------------------------------------------------------------------
    def line(self, text: str) -> str:
        return text + self.nl

    def keep(self, ins: Instruction, with_trivia: bool = True) -> list[Piece]:
        pieces = [Piece(n.raw, n) for n in self.trivia.get(id(ins), [])] if with_trivia else []
        raw = ins.raw if ins.raw.endswith("\n") else ins.raw + self.nl
        return pieces + [Piece(raw, ins)]

    def new(self, text: str) -> Piece:
        return Piece(self.line(text))

    def change(self, kind: str, reason: str, line: int | None = None) -> None:
        self.changes.append(Change(kind, line, reason))

    def skipped(self, name: str) -> bool:
        return name in self.opts.skip

    def context_has(self, name: str) -> bool:
        return self.facts.context_has(name)

    def workdir_at(self, index: int) -> str | None:
        return self.facts.workdir_at(index)

    # --- analysis --------------------------------------------------------------------
    def check_splittable(self, eco: str | None) -> None:
        if eco is None:
            raise Refuse("no Python, Node or Go build found: nothing slimmer knows how to move")
        if self.skipped("split"):
            raise Refuse("--skip split")
        for step in self.steps:
            for cmd in step.commands:
                if step.kind in (Kind.UNKNOWN, Kind.SETUP) and cmd.name in ("gcc", "g++", "cc", "make", "cmake", "go", "cargo"):
                    raise Refuse(f"line {step.ins.line} runs `{cmd.name}` outside a build step slimmer knows: the runtime would lack the toolchain")
            if step.kind == Kind.UNKNOWN and "installer script" in step.why:
                raise Refuse(f"line {step.ins.line} {step.why}")
            if step.kind == Kind.UNKNOWN and (step.tools or step.packages or step.venv_path):
                raise Refuse(f"line {step.ins.line} installs dependencies in a RUN slimmer cannot move whole ({step.why})")
            if step.ins.keyword in ("COPY", "ADD") and step.ins.flag("from") is not None:
                raise Refuse(f"line {step.ins.line} copies from another image: slimmer does not split such a stage yet")
        # A step slimmer does not understand, run after build tools were installed, may use
        # them (or write what the app needs where no artifact copy reaches): leave it whole.
        tools_at = None
        for step in self.steps:
            if step.kind in (Kind.OS_PACKAGES, Kind.DEPENDENCIES) and step.packages and tools_at is None:
                if runtime_packages(step.packages, self.facts.base.distro)[1]:
                    tools_at = step
            if step.kind == Kind.UNKNOWN and tools_at is not None:
                _, build_only = runtime_packages(tools_at.packages, self.facts.base.distro)
                raise Refuse(
                    f"line {step.ins.line} runs a step slimmer cannot read after build tools "
                    f"({', '.join(build_only)}) were installed on line {tools_at.ins.line}: it may need them at run time"
                )
        for ins in self.stage.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT"):
                words = instruction_words(ins)
                used = {w.rsplit("/", 1)[-1] for w in words}
                needed = used & {"gcc", "g++", "cc", "make", "go", "cargo", "mvn", "nodemon", "ts-node", "tsc"}
                if needed:
                    raise Refuse(f"line {ins.line}: the container runs `{sorted(needed)[0]}` at start-up, so the toolchain must ship")
                if "run" in words and "dev" in words and used & {"npm", "yarn", "pnpm"}:
                    raise Refuse(f"line {ins.line}: the container runs a dev script, which needs devDependencies")
        if self.facts.app_dir is None:
            raise Refuse("the WORKDIR uses a variable slimmer cannot resolve: it cannot tell where the app's files are")
        # A step that stays in the runtime must not be what a step moved to the builder needs.
        moved = [i for i, s in enumerate(self.steps) if s.kind in (Kind.DEPENDENCIES, Kind.BUILD) and not s.global_cli]
        last_moved = max(moved, default=-1)
        for i, step in enumerate(self.steps[:last_moved]):
            if step.kind == Kind.UNKNOWN:
                raise Refuse(
                    f"line {step.ins.line} ({step.why}) comes before line {self.steps[last_moved].ins.line}, "
                    "which moves to the builder: slimmer cannot tell whether that step needs it"
                )

    def check_dropped_tools_unused(self) -> None:
        """A build-only package that leaves the image must not be what the container runs."""
        dropped = {p for s in self.steps for p in runtime_packages(s.packages, self.facts.base.distro)[1]}
        for ins in self.stage.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                used = {w.rsplit("/", 1)[-1] for w in instruction_words(ins)}
                if used & dropped:
                    raise Refuse(f"line {ins.line} runs `{sorted(used & dropped)[0]}`, a package only the build would keep")
        for step in self.steps:
            if step.kind in (Kind.APP, Kind.SETUP, Kind.UNKNOWN):
                for cmd in step.commands:
                    if cmd.name in dropped:
                        raise Refuse(f"line {step.ins.line} runs `{cmd.name}` in the runtime, a package only the build would keep")
        programs = data("packages").get("package_programs", {})
        named = {prog: pkg for pkg in dropped for prog in programs.get(pkg, [])}
        found = self.source_naming(set(named))
        if found:
            path, prog = found
            raise Refuse(f"{path} names `{prog}`, which {named[prog]} provides: the app may run it, so that package cannot leave the image")

    def source_naming(self, programs: set[str]) -> tuple[str, str] | None:
        """The first app source file that names one of the programs as a quoted string."""
        if not programs:
            return None
        pattern = re.compile(r"""['"](?:/usr/bin/)?(%s)['"]""" % "|".join(re.escape(p) for p in sorted(programs)))
        root = self.ctx.context_dir
        seen = 0
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in NOT_APP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if not name.endswith((".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".sh", ".php")):
                    continue
                seen += 1
                if seen > 2000:
                    return None
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        m = pattern.search(fh.read(512 * 1024))
                except OSError:
                    continue
                if m:
                    return os.path.relpath(path, root), m.group(1)
        return None

    def runtime_base(self, eco: str) -> str:
        image = self.stage.image
        assert image is not None
        if eco == "go":
            shell_needed = any(
                (i.keyword in ("CMD", "ENTRYPOINT") and i.exec_form is None)
                or (s.kind in (Kind.UNKNOWN, Kind.SETUP, Kind.APP, Kind.OS_PACKAGES) and i.keyword == "RUN")
                for i, s in zip(self.stage.instructions, self.steps)
            )
            return "debian:bookworm-slim" if shell_needed else "gcr.io/distroless/static-debian12"
        cuda = self.cuda_runtime(image)
        if cuda:
            return cuda
        from slimmer.rules.checks.slm033_full_base_image import slim_tag
        from slimmer.rules.facts_images import image_key

        found = slim_tag(image_key(image), image.tag)
        if found is None:
            return self.stage.base  # already slim, or a tag slimmer does not know: keep it
        return image.with_tag(found[0])

    def cuda_runtime(self, image) -> str | None:
        if self.skipped("cuda") or not image.tag or "-devel" not in image.tag:
            return None
        if image.repository.endswith(("nvidia/cuda", "nvidia/cudagl", "pytorch/pytorch")):
            if any(c.name == "nvcc" for s in self.steps if s.kind in (Kind.APP, Kind.UNKNOWN, Kind.SETUP) for c in s.commands):
                return None
            return image.with_tag(image.tag.replace("-devel", "-runtime"))
        return None

    def check_interpreter(self, runtime_base: str) -> None:
        """The venv's interpreter must exist at the same path in the runtime."""
        if runtime_base == self.stage.base:
            return
        from slimmer.model.imageref import ImageRef

        before, after = self.facts.base, ships(ImageRef.parse(runtime_base))
        if self.facts.apt_python_step is not None and not before.python:
            return  # the runtime installs the same OS package
        if before.python != after.python:
            raise Refuse(
                f"the runtime base {runtime_base} has its Python at {after.python or 'no known path'}, "
                f"the build's at {before.python or 'no known path'}: the virtualenv would not start"
            )

    # --- the plan ------------------------------------------------------------------
    def plan(self) -> list[Piece]:
        eco = _ecosystem(self.facts)
        self.check_splittable(eco)
        assert eco is not None
        self.check_dropped_tools_unused()
        runtime_base = self.runtime_base(eco)
        if runtime_base != self.stage.base:
            self.dropped.append(f"the base {self.stage.base} (the runtime starts from {runtime_base})")
        if eco == "python":
            self.check_interpreter(runtime_base)
        out: list[Piece] = []
        stage_start = self.df.nodes.index(self.stage.from_instruction)
        # Everything before the stage (directives, global ARGs, comments) stays as it was.
        for node in self.df.nodes[:stage_start]:
            if not (isinstance(node, (Comment, Blank)) and any(node is t for t in self.trivia.get(id(self.stage.from_instruction), []))):
                out.append(Piece(node.raw, node))
        out += getattr(self, f"builder_{eco}")()
        tests = [s for s in self.steps if s.kind == Kind.TEST]
        if tests and not self.skipped("prod-deps"):
            out += self.test_stage(eco, tests)
        prune = eco == "node" and self.node_prune()
        if prune:
            out += self.prune_stage()
        out += getattr(self, f"runtime_{eco}")(runtime_base, prune)
        # Trailing comments and blank lines after the last instruction.
        last = self.df.nodes.index(self.stage.instructions[-1]) if self.stage.instructions else stage_start
        out += [Piece(n.raw, n) for n in self.df.nodes[last + 1 :]]
        if not any(re.match(rf"COPY --from=({re.escape(self.builder)}|{re.escape(self.production)}) ", p.text) for p in out):
            raise Refuse("nothing the build makes would reach the runtime: the split would gain nothing")
        if not self.dropped:
            raise Refuse(
                f"the split gains nothing: the runtime would start from the same base ({self.stage.base}) "
                "and no build-only step or package would leave the image"
            )
        return out

    def from_line(self, base: str, name: str | None, reason: str) -> list[Piece]:
        platform = self.stage.platform
        flags = f"--platform={platform} " if platform else ""
        suffix = f" AS {name}" if name else ""
        self.change("split", reason, self.stage.line)
        return [self.new(f"FROM {flags}{base}{suffix}")]

    def builder_header(self) -> list[Piece]:
        ins = self.stage.from_instruction
        pieces = [Piece(n.raw, n) for n in self.trivia.get(id(ins), [])]
        token = ins.args.split()[0]
        flags = " ".join(f.text for f in ins.flags)
        pieces.append(self.new("# slimmer: build stage with the toolchain; only its artifacts ship"))
        pieces.append(self.new(f"FROM {flags + ' ' if flags else ''}{token} AS {self.builder}"))
        self.change("split", f"the original base ({self.stage.base}) becomes the {self.builder} stage", ins.line)
        return pieces

    def runtime_header(self, base: str, comment: str) -> list[Piece]:
        """The runtime's FROM, and the WORKDIR and USER the original's base started with
        when the runtime base would start elsewhere."""
        from slimmer.model.imageref import ImageRef

        out = [self.new(""), self.new(f"# slimmer: runtime stage: {comment}")]
        out += self.from_line(base, None, f"the runtime starts from {base}")
        if base != self.stage.base:
            before, after = self.facts.base, ships(ImageRef.parse(base))
            first_workdir = next((i for i, s in enumerate(self.steps) if s.ins.keyword == "WORKDIR"), None)
            if before.workdir != after.workdir and first_workdir != 0:
                out.append(self.new(f"WORKDIR {before.workdir}"))
                self.change("split", f"the original base starts in {before.workdir}; so does the runtime")
            if before.user != after.user:
                out.append(self.new(f"USER {before.user}"))
                self.change("split", f"the original base runs as {before.user}; so does the runtime")
        return out

    def env_like(self, step: Step) -> bool:
        return step.ins.keyword in ("ARG", "ENV", "WORKDIR", "SHELL")

    def manifest_copies(self, files: list[str], dest: str = "./") -> list[Piece]:
        if not files:
            return []
        self.change("order", f"copy {', '.join(files)} before the source so the dependency layer is cached")
        # COPY of a folder copies its contents: each folder gets a COPY of its own.
        folders = [f for f in files if os.path.isdir(os.path.join(self.ctx.context_dir, f))]
        plain = [f for f in files if f not in folders]
        pieces = [self.new(f"COPY {' '.join(plain)} {dest}")] if plain else []
        for folder in folders:
            name = folder.strip("/").removeprefix("./")
            pieces.append(self.new(f"COPY {name}/ {dest.rstrip('/')}/{name}/"))
        return pieces

    def copy_is_whole_context(self, step: Step) -> bool:
        sources = self.facts.copy_sources(self.steps.index(step))
        return any(s in (".", "./") for s in sources)

    def whole_copy_lands_in_workdir(self, installs: list[Step]) -> bool:
        """Manifests can be copied on their own only when the whole-context COPY puts the
        context at the install's WORKDIR and the install names files relative to it."""
        if not installs:
            return False
        first = self.steps.index(installs[0])
        workdir = self.workdir_at(first)
        for i, step in enumerate(self.steps[:first]):
            if step.kind == Kind.COPY_CONTEXT and self.copy_is_whole_context(step):
                if self.facts.copy_destination(i) != workdir:
                    return False
        return all(not f.startswith("/") for s in installs for f in s.requirement_files)

    def install_steps(self) -> list[Step]:
        return [s for s in self.steps if s.kind == Kind.DEPENDENCIES]

    # --- Python ------------------------------------------------------------------------
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
        for step in self.steps:
            if step.kind == Kind.BUILD:
                tool = next(iter(sorted(step.tools)), "a build tool")
                raise Refuse(f"line {step.ins.line} builds with `{tool}` in a Python image: slimmer cannot tell which files that build writes for the runtime")
        installs = self.install_steps()
        if not installs:
            raise Refuse("no dependency install found: nothing to build in a builder stage")
        for step in installs:
            for cmd in step.commands:
                if cmd.name == "uv" and cmd.subcommand == "pip" and cmd.has_option("--system"):
                    raise Refuse(f"line {step.ins.line} installs into the system Python (`uv pip install --system`), which no virtualenv copy reaches")
                if cmd.is_("pip", "install") and cmd.has_option("--target", "-t", "--prefix", "--root"):
                    raise Refuse(f"line {step.ins.line} installs to a folder of its own (--target/--prefix), which the virtualenv copy does not reach")
        last_install = max(self.steps.index(s) for s in installs)
        # poetry installs the project with its dependencies; split in two (dependencies from
        # the manifests, then the project after the source) so a source edit keeps the
        # dependency layer.
        split_root = self.poetry_can_split(installs) or self.uv_can_split(installs)
        needs_source = any(s.needs_source and not (split_root and s.poetry_root) for s in installs)
        needs_source = needs_source or self.skipped("order") or not self.whole_copy_lands_in_workdir(installs)
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
            if step.kind == Kind.DEPENDENCIES and step.tools:
                break
            if step.kind == Kind.COPY_CONTEXT and not self.copy_is_whole_context(step):
                names.update(self.facts.copy_sources(i))
                names.update(posixpath.basename(s) for s in self.facts.copy_sources(i))
        return names

    def keep_with_mounts(self, step: Step, cache: str) -> list[Piece]:
        if not self.opts.cache_mounts or step.ins.heredocs:
            return self.keep(step.ins)
        raw = re.sub(r"(?i)^(\s*RUN\s+)", rf"\1--mount=type=cache,target={cache} ", step.ins.raw, count=1)
        self.change("order", f"cache mount on {cache} for the dependency install", step.ins.line)
        return [Piece(n.raw, n) for n in self.trivia.get(id(step.ins), [])] + [Piece(raw)]

    def python_distributions(self) -> list[str]:
        """The distributions the installs name, from the command lines and requirement files."""
        from slimmer.rules.facts_python import pip_install, read_requirements, requirement_lines

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
                self.change("runtime-libs", f"the slim base lacks libraries the full one ships: {why}")
        venv_done = False
        steps = self.runtime_order()
        first_install = next((i for i, s in enumerate(steps) if s.kind == Kind.DEPENDENCIES), None)
        for i, step in enumerate(steps):
            if not venv_done and first_install is not None and (
                i == first_install or (step.kind == Kind.COPY_CONTEXT and i < first_install and self.copy_is_whole_context(step))
            ):
                out += self.venv_copy()
                venv_done = True
            out += self.runtime_step(step)
        return out

    def runtime_order(self) -> list[Step]:
        """The stage's steps with OS package installs moved above the first source COPY,
        so a source edit does not re-run apt (they read nothing from the context)."""
        steps = list(self.steps)
        first_copy = next((i for i, s in enumerate(steps) if s.kind == Kind.COPY_CONTEXT), None)
        if first_copy is None or self.skipped("order"):
            return steps
        # Only past steps that do not change what apt sees (ENV, ARG, USER may).
        moved = []
        for s in steps[first_copy:]:
            if s.ins.keyword in ("USER", "ENV", "ARG", "SHELL") or s.kind in (Kind.SETUP, Kind.UNKNOWN, Kind.APP):
                break
            if s.kind == Kind.OS_PACKAGES:
                moved.append(s)
        for s in moved:
            self.change("order", "OS packages are installed before the source is copied", s.ins.line)
        rest = [s for s in steps[first_copy:] if s not in moved]
        return steps[:first_copy] + moved + rest

    def venv_copy(self) -> list[Piece]:
        venv = self.facts.venv
        self.change("split", f"the virtualenv {venv.path} is copied from the builder")
        out = [self.new(f"COPY --from={self.builder} {venv.path} {venv.path}")]
        if venv.step is None and venv.path != self.stage.instructions[-1].scope.get("VIRTUAL_ENV"):
            out.append(self.new(f'ENV VIRTUAL_ENV={venv.path} PATH="{venv.path}/bin:$PATH"'))
        return out

    def runtime_step(self, step: Step) -> list[Piece]:
        kind = step.kind
        if kind == Kind.APP:
            self.change("split", "runs the app's own code in the runtime stage, where its dependencies are (it needs no compiler)", step.ins.line)
            return self.keep(step.ins)
        if kind in (Kind.META, Kind.COPY_CONTEXT, Kind.COPY_OTHER, Kind.SETUP):
            return self.keep(step.ins)
        if kind == Kind.OS_PACKAGES:
            return self.runtime_libraries(step)
        if kind in (Kind.DEPENDENCIES, Kind.BUILD):
            if step.global_cli:
                self.change("split", "a global CLI the container may run is installed in the runtime too", step.ins.line)
                return self.keep(step.ins)
            self.change("split", "runs in the builder; its result is copied", step.ins.line)
            # A RUN that installed OS packages with the dependencies keeps their libraries.
            return self.runtime_libraries(step, inline=True) if step.packages else []
        if kind == Kind.TEST:
            if self.skipped("prod-deps"):
                return self.keep(step.ins)
            self.change("prod-deps", f"tests and dev dependencies run in the `{self.test_name}` stage, which the default target skips", step.ins.line)
            self.dropped.append(f"line {step.ins.line}'s tests")
            return []
        self.notes.append(Change("split", step.ins.line, f"left in the runtime stage as written: {step.why}"))
        return self.keep(step.ins)

    def os_install(self, packages: list[str], apk: bool) -> str:
        if apk:
            return f"RUN apk add --no-cache {' '.join(packages)}"
        return (
            "RUN apt-get update && apt-get install -y --no-install-recommends "
            f"{' '.join(packages)} && rm -rf /var/lib/apt/lists/*"
        )

    def apt_kept_as_written(self) -> bool:
        """Some OS install stays in the runtime as written (it needs a lone `apt-get update`)."""
        return self.skipped("runtime-libs") or any(
            s.kind == Kind.OS_PACKAGES and s.packages and not runtime_packages(s.packages, self.facts.base.distro)[1]
            for s in self.steps
        )

    def runtime_os_packages(self) -> set[str]:
        return {p for s in self.steps for p in runtime_packages(s.packages, self.facts.base.distro)[0]}

    def runtime_libraries(self, step: Step, inline: bool = False) -> list[Piece]:
        keep, drop = runtime_packages(step.packages, self.facts.base.distro)
        if self.skipped("runtime-libs"):
            return self.keep(step.ins)
        if not step.packages and not inline:
            if self.apt_kept_as_written():
                return self.keep(step.ins)
            self.change("runtime-libs", "the runtime's own OS install updates the package lists itself", step.ins.line)
            return []
        if not drop and not inline:
            return self.keep(step.ins)  # nothing to take out: the line stays as written
        if not keep:
            self.change("split", f"build-only packages ({', '.join(drop)}) stay in the builder", step.ins.line)
            self.dropped.append(f"build-only packages {', '.join(drop)}")
            return []
        text = self.os_install(keep, any(c.name == "apk" for c in step.commands))
        why = f"runtime packages only ({', '.join(keep)})"
        if drop:
            why += f"; build-only {', '.join(drop)} stay in the builder"
            self.dropped.append(f"build-only packages {', '.join(drop)}")
        self.change("runtime-libs", why, step.ins.line)
        trivia = [Piece(n.raw, n) for n in self.trivia.get(id(step.ins), [])]
        return trivia + [self.new(text)]

    def test_stage(self, eco: str, tests: list[Step]) -> list[Piece]:
        out = [self.new(""), self.new(f"# slimmer: tests run here; build it with --target {self.test_name}")]
        out.append(self.new(f"FROM {self.builder} AS {self.test_name}"))
        copies = [s for s in self.steps if s.kind == Kind.COPY_CONTEXT]
        copied_in_builder = eco != "python" or getattr(self, "python_source_in_builder", False)
        if not copied_in_builder:
            for s in copies:
                out += self.keep(s.ins, with_trivia=False)
        for s in self.dev_installs:
            out += self.keep(s.ins, with_trivia=False)  # as written: with the dev groups
        for s in tests:
            out += self.keep(s.ins)
        self.change("prod-deps", f"a `{self.test_name}` stage outside the default target runs the tests")
        return out

    # --- Node ----------------------------------------------------------------------------
    def node_app_dir(self) -> str:
        app = self.facts.app_dir
        if app in (None, "/"):
            raise Refuse("no WORKDIR: the app's files would be mixed with the base image's in /, so slimmer cannot copy them apart")
        return app

    def builder_node(self) -> list[Piece]:
        out = self.builder_header()
        app = self.node_app_dir()
        moved = (Kind.DEPENDENCIES, Kind.BUILD, Kind.COPY_CONTEXT)
        last = max((i for i, s in enumerate(self.steps) if s.kind in moved), default=-1)
        first_install = next((i for i, s in enumerate(self.steps) if s.kind == Kind.DEPENDENCIES and not s.global_cli), None)
        manifests_done = False
        pending_copies: list[Step] = []
        for i, step in enumerate(self.steps[: last + 1]):
            if self.env_like(step) or step.kind == Kind.OS_PACKAGES:
                out += self.keep(step.ins)
            elif step.kind == Kind.COPY_CONTEXT:
                whole = self.copy_is_whole_context(step) and self.facts.copy_destination(i) == self.workdir_at(first_install or 0)
                if first_install is not None and i < first_install and whole and not self.skipped("order"):
                    pending_copies.append(step)  # after the install
                else:
                    out += self.keep(step.ins)
            elif step.kind == Kind.DEPENDENCIES:
                if not manifests_done and pending_copies and not step.global_cli:
                    files = [f for f in ("package.json",) + NODE_LOCKFILES if self.context_has(f)]
                    if "package.json" not in files:
                        # No manifest in the context (`npm init` makes one): copy as written.
                        for c in pending_copies:
                            out += self.keep(c.ins)
                        pending_copies = []
                    else:
                        out += self.manifest_copies(files)
                    manifests_done = True
                out += self.keep_with_mounts(step, "/root/.npm")
                if not step.global_cli:
                    for c in pending_copies:
                        out += self.keep(c.ins)
                    pending_copies = []
            elif step.kind == Kind.BUILD:
                out += self.keep(step.ins)
        for c in pending_copies:
            out += self.keep(c.ins)
        # Every file the original copies must reach the runtime: through the app folder,
        # or by its own COPY there.
        self.outside_app = [i for i, s in enumerate(self.steps) if s.kind == Kind.COPY_CONTEXT
                            and not _under(self.facts.copy_destination(i) or "", app)]
        for i in self.outside_app:
            if self.facts.copy_destination(i) is None:
                raise Refuse(f"line {self.steps[i].ins.line} copies to a path slimmer cannot resolve")
        return out

    def node_tool(self) -> str:
        tools = {t for s in self.install_steps() for t in s.tools}
        return "yarn" if "yarn" in tools else "pnpm" if "pnpm" in tools else "npm"

    def node_prune(self) -> bool:
        """Whether a `production` stage removes devDependencies: not when there are none,
        nor when the app's own sources require one at run time."""
        if self.skipped("prod-deps"):
            return False
        manifest = self.facts.package_json
        dev = manifest.get("devDependencies") if manifest else None
        if not isinstance(dev, dict) or not dev:
            return False
        script = self.start_script_dev_tool(manifest, set(dev))
        if script:
            self.notes.append(Change("prod-deps", None, f"devDependencies kept: the container's command runs `{script[0]}` from {script[1]}, a devDependency"))
            return False
        used = self.dev_dependencies_required(set(dev))
        if used:
            file, name = used
            self.notes.append(Change("prod-deps", None, f"devDependencies kept: {file} requires `{name}`, a devDependency, at run time"))
            return False
        return True

    def start_script_dev_tool(self, manifest: dict, dev: set[str]) -> tuple[str, str] | None:
        """(program, package) when CMD/ENTRYPOINT runs a package.json script, or a program,
        that a devDependency provides (`npm start` -> `nodemon server.js`)."""
        scripts = manifest.get("scripts") if isinstance(manifest.get("scripts"), dict) else {}
        bins = data("node_tooling").get("bin_packages", {})
        for ins in self.stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT"):
                continue
            words = instruction_words(ins)
            programs = [words[0].rsplit("/", 1)[-1]] if words else []
            if words[:1] and words[0] in ("npm", "yarn", "pnpm"):
                rest = [w for w in words[1:] if not w.startswith("-")]
                name = rest[1] if rest[:1] == ["run"] and len(rest) > 1 else (rest[0] if rest else "start")
                body = scripts.get(name)
                programs = [w for w in re.split(r"\s*(?:&&|\|\||;)\s*", str(body or "")) if w]
                programs = [p.split()[0] for p in programs if p.split()]
            if words[:1] == ["npx"] and len(words) > 1:
                programs = [words[1]]
            for program in programs:
                package = bins.get(program, program)
                if package in dev:
                    return program, package
        return None

    def dev_dependencies_required(self, dev: set[str]) -> tuple[str, str] | None:
        pattern = re.compile(r"""(?:require\s*\(\s*|import\s*\(\s*|\bfrom\s+|^\s*import\s+)['"]([^'"./][^'"]*)['"]""", re.M)
        root = self.ctx.context_dir
        seen = 0
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in NOT_APP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if not name.endswith(SOURCE_EXTENSIONS) or re.search(r"\.(test|spec)\.|\.config\.|^\.?eslint|^jest|^webpack|^vite|^rollup|^babel|^tsconfig", name):
                    continue
                seen += 1
                if seen > 2000:
                    return None
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        text = fh.read(512 * 1024)
                except OSError:
                    continue
                for m in pattern.finditer(text):
                    spec = m.group(1)
                    if spec.startswith("node:"):
                        continue
                    parts = spec.split("/")
                    pkg = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
                    if pkg in dev and not pkg.startswith("@types/"):
                        line = re.search(r"import\s+type\b", text[max(0, m.start() - 20): m.end()])
                        if line:
                            continue
                        return os.path.relpath(path, root), pkg
        return None

    def prune_stage(self) -> list[Piece]:
        tool = self.node_tool()
        command = {
            "npm": "npm prune --omit=dev",
            "yarn": "yarn install --production --frozen-lockfile --ignore-scripts && yarn cache clean",
            "pnpm": "pnpm prune --prod",
        }[tool]
        self.change("prod-deps", f"devDependencies are removed before the runtime copies node_modules ({command})")
        self.dropped.append("devDependencies")
        return [
            self.new(""),
            self.new("# slimmer: production dependencies only"),
            self.new(f"FROM {self.builder} AS {self.production}"),
            self.new(f"RUN {command}"),
        ]

    def runtime_node(self, base: str, prune: bool) -> list[Piece]:
        out = self.runtime_header(base, "the slim base, production node_modules and the build output")
        source = self.production if prune else self.builder
        app = self.node_app_dir()
        copied = False
        for step in self.runtime_order():
            index = self.steps.index(step)
            if step.kind == Kind.COPY_CONTEXT:
                if not copied and index not in self.outside_app:
                    out.append(self.new(f"COPY --from={source} {app} {app}"))
                    self.change("split", f"the app folder {app} (sources, build output, node_modules) comes from the `{source}` stage", step.ins.line)
                    copied = True
                if index in self.outside_app:
                    out += self.keep(step.ins)  # outside the app folder: copied as written
                continue
            out += self.runtime_step(step)
        return out

    # --- Go --------------------------------------------------------------------------------
    def builder_go(self) -> list[Piece]:
        out = self.builder_header()
        builds = [s for s in self.steps if s.kind == Kind.BUILD]
        for step in builds:
            if not step.outputs and any(c.name == "go" and c.subcommand == "build" and not c.words[1:] or c.words[1:] == (".",) for c in step.commands):
                module = self.go_module()
                if module:
                    step.outputs.append(module.rsplit("/", 1)[-1])  # go build names it after the module
        if not builds or not any(s.outputs for s in builds):
            raise Refuse("no `go build -o PATH`: slimmer cannot tell which binary to ship")
        last_build = self.steps.index(builds[-1])
        for step in self.steps[: last_build + 1]:
            if self.env_like(step) or step.kind in (Kind.OS_PACKAGES, Kind.COPY_CONTEXT, Kind.DEPENDENCIES):
                out += self.keep(step.ins)
            elif step.kind == Kind.BUILD:
                if "CGO_ENABLED" not in step.ins.scope and not any("CGO_ENABLED" in dict(c.assignments) for c in step.commands):
                    out.append(self.new("ENV CGO_ENABLED=0"))
                    self.change("split", "CGO_ENABLED=0 builds a static binary that runs without libc", step.ins.line)
                out += self.keep(step.ins)
        self.dropped.append("the Go toolchain")
        return out

    def go_module(self) -> str | None:
        try:
            with open(self.facts.context_path("go.mod"), encoding="utf-8") as fh:
                m = re.search(r"^module\s+(\S+)", fh.read(), re.M)
        except OSError:
            return None
        return m.group(1).strip('"') if m else None

    def go_binaries(self) -> list[str]:
        binaries = []
        for index, step in enumerate(self.steps):
            workdir = self.workdir_at(index)
            for out in step.outputs:
                out = self.steps[index].ins.expand(out)
                if not out.startswith("/") and workdir is None or "$" in out:
                    raise Refuse(f"line {step.ins.line} writes its binary to a path slimmer cannot resolve")
                binaries.append(out if out.startswith("/") else posixpath.normpath(posixpath.join(workdir or "/", out)))
        return binaries

    def go_assets(self) -> list[str]:
        """Context files a Go binary may read at run time (templates, static files, config)."""
        found: list[str] = []
        root = self.ctx.context_dir
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("vendor", "docs", "testdata"))
            for name in files:
                if not GO_SOURCE.search(name) and not name.startswith("."):
                    found.append(os.path.relpath(os.path.join(folder, name), root))
                    if len(found) > 3:
                        return found
        return found

    def runtime_go(self, base: str, prune: bool = False) -> list[Piece]:
        out = self.runtime_header(base, "just the static binary")
        copied = False
        assets = self.go_assets()
        app = self.facts.app_dir or "/"
        for index, step in enumerate(self.steps):
            if step.kind in (Kind.COPY_CONTEXT, Kind.DEPENDENCIES, Kind.BUILD):
                if step.kind == Kind.BUILD and not copied:
                    if assets and app != "/":
                        out.append(self.new(f"COPY --from={self.builder} {app} {app}"))
                        self.change("split", f"the app folder {app} ships too: the context has files the binary may read ({', '.join(assets[:3])})", step.ins.line)
                    elif assets:
                        raise Refuse(f"the context has files the binary may read at run time ({', '.join(assets[:3])}) and no WORKDIR to copy them from")
                    for binary in self.go_binaries():
                        if not (assets and _under(binary, app)):
                            out.append(self.new(f"COPY --from={self.builder} {binary} {binary}"))
                        self.change("split", f"only the binary {binary} ships", step.ins.line)
                    copied = True
                continue
            if step.kind == Kind.OS_PACKAGES and base.startswith("gcr.io/distroless"):
                continue
            out += self.runtime_step(step)
        return out


def exec_form(ins: Instruction) -> str | None:
    """A shell-form CMD/ENTRYPOINT as a JSON array, when no shell feature is used."""
    if ins.exec_form is not None or re.search(r"[$&|;<>`*?(){}\\]", ins.args):
        return None
    try:
        words = shlex.split(ins.args)
    except ValueError:
        return None
    return f"{ins.keyword} {json.dumps(words)}"
