"""The rewrite plan: which stages the output has and which instruction goes where.

Untouched instructions are carried as their original nodes (comments before them come
along), so they render byte for byte; every new or changed line carries the reason
slimmer wrote it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field

from slimmer.model.nodes import Blank, Comment, Dockerfile, Instruction, Node, Stage
from slimmer.rewrite.classify import Kind, Step, classify, runtime_packages
from slimmer.rules.context import Context

VENV = "/opt/venv"
TRANSFORMS = ("split", "runtime-libs", "prod-deps", "order", "hygiene", "cuda")
NODE_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc")
PY_MANIFESTS = ("pyproject.toml", "poetry.lock", "Pipfile", "Pipfile.lock", "uv.lock", "setup.py", "setup.cfg")


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


def _ecosystem(stage: Stage, steps: list[Step]) -> str | None:
    repo = stage.image.name if stage.image else ""
    tools = {t for s in steps for t in s.tools}
    if repo == "golang" or "go" in tools:
        return "go"
    if repo in ("node",) or tools & {"npm", "yarn", "pnpm"}:
        return "node"
    if repo == "python" or tools & {"pip", "poetry", "pipenv", "uv"}:
        return "python"
    return None


class Splitter:
    """Splits one single-stage build into builder (+ test) and runtime stages."""

    def __init__(self, df: Dockerfile, ctx: Context, opts: Options):
        self.df = df
        self.ctx = ctx
        self.opts = opts
        self.nl = df.newline
        self.trivia = leading_trivia(df)
        self.stage = ctx.target
        self.steps = [classify(i, ctx.commands(i)) for i in self.stage.instructions]
        self.changes: list[Change] = []
        self.notes: list[Change] = []
        self.dev_installs: list[Step] = []  # installs whose dev groups moved to the test stage

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

    def context_has(self, name: str) -> bool:
        return os.path.exists(os.path.join(self.ctx.context_dir, name))

    # --- analysis --------------------------------------------------------------------
    def check_splittable(self, eco: str | None) -> None:
        if eco is None:
            raise Refuse("no Python, Node or Go build found: nothing slimmer knows how to move")
        if "split" in self.opts.skip:
            raise Refuse("--skip split")
        for step in self.steps:
            for cmd in step.commands:
                if step.kind in (Kind.UNKNOWN, Kind.SETUP) and cmd.name in ("gcc", "g++", "cc", "make", "cmake", "go", "cargo"):
                    raise Refuse(f"line {step.ins.line} runs `{cmd.name}` outside a build step slimmer knows: the runtime would lack the toolchain")
            if step.kind == Kind.UNKNOWN and "installer script" in step.why:
                raise Refuse(f"line {step.ins.line} {step.why}")
        # A step slimmer does not understand, run after build tools were installed, may use
        # them (or write what the app needs where no artifact copy reaches): leave it whole.
        tools_at = None
        for step in self.steps:
            if step.kind in (Kind.OS_PACKAGES, Kind.DEPENDENCIES) and step.packages and tools_at is None:
                if runtime_packages(step.packages)[1]:
                    tools_at = step
            if step.kind == Kind.UNKNOWN and tools_at is not None:
                _, build_only = runtime_packages(tools_at.packages)
                raise Refuse(
                    f"line {step.ins.line} runs a step slimmer cannot read after build tools "
                    f"({', '.join(build_only)}) were installed on line {tools_at.ins.line}: it may need them at run time"
                )
        for ins in self.stage.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT"):
                words = ins.exec_form if ins.exec_form is not None else ins.args.split()
                used = {w.rsplit("/", 1)[-1] for w in words}
                needed = used & {"gcc", "g++", "cc", "make", "go", "cargo", "mvn", "nodemon", "ts-node", "tsc"}
                if needed:
                    raise Refuse(f"line {ins.line}: the container runs `{sorted(needed)[0]}` at start-up, so the toolchain must ship")
                if "run" in words and "dev" in words and used & {"npm", "yarn", "pnpm"}:
                    raise Refuse(f"line {ins.line}: the container runs a dev script, which needs devDependencies")

    def runtime_base(self, eco: str) -> str:
        image = self.stage.image
        assert image is not None
        if eco == "go":
            shell_needed = any(
                (i.keyword in ("CMD", "ENTRYPOINT") and i.exec_form is None)
                or (s.kind in (Kind.UNKNOWN, Kind.SETUP) and i.keyword == "RUN")
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
        if "cuda" in self.opts.skip or not image.tag or "-devel" not in image.tag:
            return None
        if image.repository.endswith(("nvidia/cuda", "nvidia/cudagl", "pytorch/pytorch")):
            return image.with_tag(image.tag.replace("-devel", "-runtime"))
        return None

    # --- the plan ------------------------------------------------------------------
    def plan(self) -> list[Piece]:
        eco = _ecosystem(self.stage, self.steps)
        self.check_splittable(eco)
        assert eco is not None
        runtime_base = self.runtime_base(eco)
        out: list[Piece] = []
        stage_start = self.df.nodes.index(self.stage.from_instruction)
        # Everything before the stage (directives, global ARGs, comments) stays as it was.
        for node in self.df.nodes[:stage_start]:
            if not (isinstance(node, (Comment, Blank)) and any(node is t for t in self.trivia.get(id(self.stage.from_instruction), []))):
                out.append(Piece(node.raw, node))
        builder = getattr(self, f"builder_{eco}")()
        out += builder
        tests = [s for s in self.steps if s.kind == Kind.TEST]
        if tests:
            out += self.test_stage(eco, tests)
        if eco == "node":
            out += self.prune_stage()
        out += getattr(self, f"runtime_{eco}")(runtime_base)
        # Trailing comments and blank lines after the last instruction.
        last = self.df.nodes.index(self.stage.instructions[-1]) if self.stage.instructions else stage_start
        out += [Piece(n.raw, n) for n in self.df.nodes[last + 1 :]]
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
        pieces.append(self.new(f"FROM {flags + ' ' if flags else ''}{token} AS builder"))
        self.change("split", f"the original base ({self.stage.base}) becomes the builder stage", ins.line)
        return pieces

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

    def workdir_at(self, index: int) -> str:
        """The WORKDIR in force before the stage's step number `index`."""
        workdir = "/"
        for ins in self.stage.instructions[:index]:
            if ins.keyword == "WORKDIR":
                value = ins.expand(ins.args.strip())
                workdir = value if value.startswith("/") else os.path.join(workdir, value)
        return os.path.normpath(workdir)

    def whole_copy_lands_in_workdir(self, installs: list[Step]) -> bool:
        """Manifests can be copied on their own only when the whole-context COPY puts the
        context at the install's WORKDIR and the install names files relative to it."""
        if not installs:
            return False
        first = self.steps.index(installs[0])
        workdir = self.workdir_at(first)
        for i, step in enumerate(self.steps[:first]):
            if step.kind == Kind.COPY_CONTEXT and self.copy_is_whole_context(step):
                dest = (step.ins.exec_form[-1] if step.ins.exec_form else step.ins.args.split()[-1])
                here = self.workdir_at(i)
                target = os.path.normpath(dest if dest.startswith("/") else os.path.join(here, dest))
                if target != workdir:
                    return False
        return all(not f.startswith("/") for s in installs for f in s.requirement_files)

    def install_steps(self) -> list[Step]:
        return [s for s in self.steps if s.kind == Kind.DEPENDENCIES]

    def copy_is_whole_context(self, step: Step) -> bool:
        sources = step.ins.exec_form[:-1] if step.ins.exec_form else step.ins.args.split()[:-1]
        return any(s in (".", "./") for s in sources)

    # --- Python ------------------------------------------------------------------------
    def builder_python(self) -> list[Piece]:
        out = self.builder_header()
        installs = self.install_steps()
        last_install = max((self.steps.index(s) for s in installs), default=-1)
        # poetry installs the project with its dependencies; split in two (dependencies from
        # the manifests, then the project after the source) so a source edit keeps the
        # dependency layer.
        split_root = self.poetry_can_split(installs)
        needs_source = any(s.needs_source and not (split_root and s.poetry_root) for s in installs)
        needs_source = needs_source or not self.whole_copy_lands_in_workdir(installs)
        self.python_source_in_builder = needs_source or split_root
        venv_done = False
        manifests_done = False
        for i, step in enumerate(self.steps[: last_install + 1]):
            if self.env_like(step):
                out += self.keep(step.ins)
            elif step.kind == Kind.OS_PACKAGES:
                out += self.keep(step.ins)
            elif step.kind == Kind.COPY_CONTEXT:
                if self.copy_is_whole_context(step) and not needs_source:
                    continue  # replaced by the manifests below
                out += self.keep(step.ins)
            elif step.kind == Kind.DEPENDENCIES:
                if not venv_done:
                    out.append(self.new(f"RUN python -m venv {VENV}"))
                    out.append(self.new(f'ENV VIRTUAL_ENV={VENV} PATH="{VENV}/bin:$PATH"'))
                    self.change("split", f"dependencies go into a virtualenv at {VENV}, copied whole into the runtime", step.ins.line)
                    venv_done = True
                if not manifests_done and not needs_source:
                    files = self.python_manifests(installs)
                    out += self.manifest_copies(files)
                    manifests_done = True
                out += self.production_only(step, no_root=split_root and step.poetry_root)
        if split_root and not needs_source:
            for step in self.steps[: last_install + 1]:
                if step.kind == Kind.COPY_CONTEXT and self.copy_is_whole_context(step):
                    out += self.keep(step.ins, with_trivia=False)
            out.append(self.new("RUN poetry install --only-root --no-interaction --no-ansi"))
            self.change("order", "poetry installs the dependencies from pyproject.toml and poetry.lock first, the project after the source")
        return out

    def poetry_can_split(self, installs: list[Step]) -> bool:
        """`poetry install --no-root` then `--only-root` (Poetry 1.4+), when the lock file is
        in the context and the Dockerfile installs a Poetry that has --only-root."""
        if "order" in self.opts.skip or not any(s.poetry_root for s in installs):
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
        if no_root:
            pieces[-1] = Piece(re.sub(r"(poetry\s+install)\b", r"\1 --no-root", pieces[-1].text, count=1))
        if "prod-deps" in self.opts.skip or not any(k.kind == Kind.TEST for k in self.steps):
            return pieces
        raw = pieces[-1].text
        new = raw
        if "poetry" in step.tools and not re.search(r"--(only|without|no-dev)\b", raw):
            new = re.sub(r"(poetry\s+install)\b", r"\1 --only main", raw, count=1)
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
                if f not in files and f not in copied:
                    files.append(f)
            if {"poetry", "pipenv", "uv"} & s.tools:
                for name in PY_MANIFESTS:
                    if self.context_has(name) and name not in files and name not in copied:
                        files.append(name)
        return files

    def copied_before_first_install(self) -> set[str]:
        names: set[str] = set()
        for step in self.steps:
            if step.kind == Kind.DEPENDENCIES:
                break
            if step.kind == Kind.COPY_CONTEXT and not self.copy_is_whole_context(step):
                sources = step.ins.exec_form[:-1] if step.ins.exec_form else step.ins.args.split()[:-1]
                names.update(sources)
        return names

    def keep_with_mounts(self, step: Step, cache: str) -> list[Piece]:
        if not self.opts.cache_mounts or step.ins.heredocs:
            return self.keep(step.ins)
        raw = re.sub(r"(?i)^(\s*RUN\s+)", rf"\1--mount=type=cache,target={cache} ", step.ins.raw, count=1)
        self.change("order", f"cache mount on {cache} for the dependency install", step.ins.line)
        return [Piece(n.raw, n) for n in self.trivia.get(id(step.ins), [])] + [Piece(raw)]

    def runtime_python(self, base: str) -> list[Piece]:
        out = [self.new("")]
        out.append(self.new("# slimmer: runtime stage: the slim base and what the app needs to run"))
        out += self.from_line(base, None, f"the runtime starts from {base}")
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
        if first_copy is None or "order" in self.opts.skip:
            return steps
        moved = [s for s in steps[first_copy:] if s.kind == Kind.OS_PACKAGES]
        for s in moved:
            self.change("order", "OS packages are installed before the source is copied", s.ins.line)
        rest = [s for s in steps[first_copy:] if s.kind != Kind.OS_PACKAGES]
        return steps[:first_copy] + moved + rest

    def venv_copy(self) -> list[Piece]:
        self.change("split", f"the virtualenv {VENV} is copied from the builder")
        return [
            self.new(f"COPY --from=builder {VENV} {VENV}"),
            self.new(f'ENV VIRTUAL_ENV={VENV} PATH="{VENV}/bin:$PATH"'),
        ]

    def runtime_step(self, step: Step) -> list[Piece]:
        kind = step.kind
        if kind in (Kind.META, Kind.COPY_CONTEXT, Kind.COPY_OTHER, Kind.SETUP):
            return self.keep(step.ins)
        if kind == Kind.OS_PACKAGES:
            return self.runtime_libraries(step)
        if kind in (Kind.DEPENDENCIES, Kind.BUILD):
            self.change("split", "runs in the builder; its result is copied", step.ins.line)
            # A RUN that installed OS packages with the dependencies keeps their libraries.
            return self.runtime_libraries(step) if step.packages else []
        if kind == Kind.TEST:
            self.change("prod-deps", "tests and dev dependencies run in the `test` stage, which the default target skips", step.ins.line)
            return []
        self.notes.append(Change("split", step.ins.line, f"left in the runtime stage as written: {step.why}"))
        return self.keep(step.ins)

    def runtime_libraries(self, step: Step) -> list[Piece]:
        keep, drop = runtime_packages(step.packages)
        if "runtime-libs" in self.opts.skip:
            return self.keep(step.ins)
        if not keep:
            self.change("split", f"build-only packages ({', '.join(drop)}) stay in the builder", step.ins.line)
            return []
        apk = any(c.name == "apk" for c in step.commands)
        if apk:
            text = f"RUN apk add --no-cache {' '.join(keep)}"
        else:
            text = (
                "RUN apt-get update && apt-get install -y --no-install-recommends "
                f"{' '.join(keep)} && rm -rf /var/lib/apt/lists/*"
            )
        why = f"runtime packages only ({', '.join(keep)})"
        if drop:
            why += f"; build-only {', '.join(drop)} stay in the builder"
        self.change("runtime-libs", why, step.ins.line)
        trivia = [Piece(n.raw, n) for n in self.trivia.get(id(step.ins), [])]
        return trivia + [self.new(text)]

    def test_stage(self, eco: str, tests: list[Step]) -> list[Piece]:
        out = [self.new(""), self.new("# slimmer: tests run here; build it with --target test")]
        out.append(self.new("FROM builder AS test"))
        copies = [s for s in self.steps if s.kind == Kind.COPY_CONTEXT]
        copied_in_builder = eco != "python" or getattr(self, "python_source_in_builder", False)
        if not copied_in_builder:
            for s in copies:
                out += self.keep(s.ins, with_trivia=False)
        for s in self.dev_installs:
            out += self.keep(s.ins, with_trivia=False)  # as written: with the dev groups
        for s in tests:
            out += self.keep(s.ins)
        self.change("prod-deps", "a `test` stage outside the default target runs the tests")
        return out

    # --- Node ----------------------------------------------------------------------------
    def builder_node(self) -> list[Piece]:
        out = self.builder_header()
        last_build = max((i for i, s in enumerate(self.steps) if s.kind in (Kind.DEPENDENCIES, Kind.BUILD)), default=-1)
        first_install = next((i for i, s in enumerate(self.steps) if s.kind == Kind.DEPENDENCIES), None)
        manifests_done = False
        pending_copies: list[Step] = []
        for i, step in enumerate(self.steps[: last_build + 1]):
            if self.env_like(step) or step.kind == Kind.OS_PACKAGES:
                out += self.keep(step.ins)
            elif step.kind == Kind.COPY_CONTEXT:
                if first_install is not None and i < first_install and self.copy_is_whole_context(step):
                    pending_copies.append(step)  # after the install
                else:
                    out += self.keep(step.ins)
            elif step.kind == Kind.DEPENDENCIES:
                if not manifests_done and pending_copies:
                    files = [f for f in ("package.json",) + NODE_LOCKFILES if self.context_has(f)] or ["package*.json"]
                    out += self.manifest_copies(files)
                manifests_done = True
                out += self.keep_with_mounts(step, "/root/.npm")
                for c in pending_copies:
                    out += self.keep(c.ins)
                pending_copies = []
            elif step.kind == Kind.BUILD:
                out += self.keep(step.ins)
        for c in pending_copies:
            out += self.keep(c.ins)
        return out

    def node_tool(self) -> str:
        tools = {t for s in self.install_steps() for t in s.tools}
        return "yarn" if "yarn" in tools else "pnpm" if "pnpm" in tools else "npm"

    def prune_stage(self) -> list[Piece]:
        if "prod-deps" in self.opts.skip:
            return []
        tool = self.node_tool()
        command = {
            "npm": "npm prune --omit=dev",
            "yarn": "yarn install --production --frozen-lockfile --ignore-scripts && yarn cache clean",
            "pnpm": "pnpm prune --prod",
        }[tool]
        self.change("prod-deps", f"devDependencies are removed before the runtime copies node_modules ({command})")
        return [
            self.new(""),
            self.new("# slimmer: production dependencies only"),
            self.new("FROM builder AS production"),
            self.new(f"RUN {command}"),
        ]

    def app_dir(self) -> str:
        """The WORKDIR at the end of the stage."""
        return self.workdir_at(len(self.stage.instructions))

    def runtime_node(self, base: str) -> list[Piece]:
        out = [self.new(""), self.new("# slimmer: runtime stage: the slim base, production node_modules and the build output")]
        out += self.from_line(base, None, f"the runtime starts from {base}")
        source = "production" if "prod-deps" not in self.opts.skip else "builder"
        app = self.app_dir()
        copied = False
        for step in self.runtime_order():
            if step.kind == Kind.COPY_CONTEXT:
                if not copied:
                    out.append(self.new(f"COPY --from={source} {app} {app}"))
                    self.change("split", f"the app folder {app} (sources, build output, node_modules) comes from the `{source}` stage", step.ins.line)
                    copied = True
                continue
            out += self.runtime_step(step)
        return out

    # --- Go --------------------------------------------------------------------------------
    def builder_go(self) -> list[Piece]:
        out = self.builder_header()
        builds = [s for s in self.steps if s.kind == Kind.BUILD]
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
        return out

    def go_binaries(self) -> list[str]:
        binaries = []
        for index, step in enumerate(self.steps):
            workdir = self.workdir_at(index)
            for out in step.outputs:
                binaries.append(out if out.startswith("/") else os.path.normpath(os.path.join(workdir, out)))
        return binaries

    def runtime_go(self, base: str) -> list[Piece]:
        out = [self.new(""), self.new("# slimmer: runtime stage: just the static binary")]
        out += self.from_line(base, None, f"the runtime starts from {base}")
        copied = False
        for step in self.steps:
            if step.kind in (Kind.COPY_CONTEXT, Kind.DEPENDENCIES, Kind.BUILD):
                if step.kind == Kind.BUILD and not copied:
                    for binary in self.go_binaries():
                        out.append(self.new(f"COPY --from=builder {binary} {binary}"))
                        self.change("split", f"only the binary {binary} ships", step.ins.line)
                    copied = True
                continue
            if step.kind == Kind.OS_PACKAGES:
                if base.startswith("gcr.io/distroless"):
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
