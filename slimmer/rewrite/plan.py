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
import re
import shlex
from functools import cached_property

from slimmer.model.nodes import Blank, Comment, Dockerfile, Instruction, Node
from slimmer.rewrite.classify import Kind, Step, runtime_packages
from slimmer.rewrite.ecosystems import EcosystemMixins, detect
from slimmer.rewrite.facts import StageFacts, app_sources, instruction_words, ships
from slimmer.rewrite.plan_types import Change, Options, Piece, Refuse
from slimmer.rules import data
from slimmer.rules.context import Context
from slimmer.rules.facts_layers import workdir_value

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


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    candidate = f"slimmer-{name}"
    n = 2
    while candidate in taken:
        candidate = f"slimmer-{name}-{n}"
        n += 1
    return candidate


class Splitter(EcosystemMixins):
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
        raw = ins.raw
        if not raw.endswith("\n"):
            # The file's last line: a dangling continuation would join whatever follows it.
            if raw.rstrip().endswith(self.df.escape):
                raw = raw.rstrip()[:-1].rstrip()
            raw += self.nl
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

    NODE_PACKAGES = {"nodejs", "npm", "yarn", "yarnpkg"}
    NODE_PROGRAMS = {"node", "nodejs", "npm", "npx", "yarn"}
    eco: str | None = None

    def split_packages(self, packages: list[str]) -> tuple[list[str], list[str]]:
        """(runtime packages, build-only packages) of an OS install in this stage."""
        keep, drop = runtime_packages(packages, self.facts.base.distro)
        if self.eco == "python" and self.node_build_only:
            moved = [p for p in keep if p in self.NODE_PACKAGES]
            keep, drop = [p for p in keep if p not in moved], drop + moved
        return keep, drop

    @cached_property
    def node_build_only(self) -> bool:
        """Node from OS packages in a Python image serves the asset build only, unless the
        container, a step left in the runtime or the app's code runs it."""
        for ins in self.stage.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                if {w.rsplit("/", 1)[-1] for w in instruction_words(ins)} & self.NODE_PROGRAMS:
                    return False
        for step in self.steps:
            if step.kind in (Kind.APP, Kind.SETUP, Kind.UNKNOWN, Kind.META):
                if any(c.name in self.NODE_PROGRAMS for c in step.commands):
                    return False
        return self.source_naming(self.NODE_PROGRAMS) is None

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
            if any(c.is_("pip", "install") and c.has_option("--user") for c in step.commands):
                raise Refuse(f"line {step.ins.line} runs `pip install --user`, which writes to the user's home: no virtualenv copy reaches it")
            if step.ins.keyword in ("COPY", "ADD") and step.ins.flag("from") is not None:
                raise Refuse(f"line {step.ins.line} copies from another image: slimmer does not split such a stage yet")
        # A step slimmer does not understand, run after build tools were installed, may use
        # them (or write what the app needs where no artifact copy reaches): leave it whole.
        tools_at = None
        for step in self.steps:
            if step.kind in (Kind.OS_PACKAGES, Kind.DEPENDENCIES) and step.packages and tools_at is None:
                if self.split_packages(step.packages)[1]:
                    tools_at = step
            if step.kind == Kind.UNKNOWN and tools_at is not None:
                _, build_only = self.split_packages(tools_at.packages)
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
        dropped = {p for s in self.steps for p in self.split_packages(s.packages)[1]}
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
        sources = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".sh", ".php")
        for rel, text in app_sources(self.ctx.context_dir, lambda name: name.endswith(sources)):
            m = pattern.search(text[: 512 * 1024])
            if m:
                return rel, m.group(1)
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
        eco = self.eco = detect(self.facts)
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
        # The runtime is the stage the user named: `--target NAME` keeps building it.
        out += self.from_line(base, self.stage.name_as_written, f"the runtime starts from {base}")
        if base != self.stage.base:
            before, after = self.facts.base, ships(ImageRef.parse(base))
            first = next((s.ins for s in self.steps if s.ins.keyword == "WORKDIR"), None)
            starts_elsewhere = first is None or not workdir_value(first)[0].startswith("/")
            if before.workdir != after.workdir and starts_elsewhere:
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

    def keep_with_mounts(self, step: Step, cache: str) -> list[Piece]:
        if not self.opts.cache_mounts or step.ins.heredocs:
            return self.keep(step.ins)
        raw = re.sub(r"(?i)^(\s*RUN\s+)", rf"\1--mount=type=cache,target={cache} ", step.ins.raw, count=1)
        self.change("order", f"cache mount on {cache} for the dependency install", step.ins.line)
        return [Piece(n.raw, n) for n in self.trivia.get(id(step.ins), [])] + [Piece(raw)]

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
            s.kind == Kind.OS_PACKAGES and s.packages and not self.split_packages(s.packages)[1]
            for s in self.steps
        )

    def runtime_os_packages(self) -> set[str]:
        return {p for s in self.steps for p in self.split_packages(s.packages)[0]}

    def runtime_libraries(self, step: Step, inline: bool = False) -> list[Piece]:
        keep, drop = self.split_packages(step.packages)
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

def exec_form(ins: Instruction) -> str | None:
    """A shell-form CMD/ENTRYPOINT as a JSON array, when no shell feature is used."""
    if ins.exec_form is not None or re.search(r"[$&|;<>`*?(){}\\]", ins.args):
        return None
    try:
        words = shlex.split(ins.args)
    except ValueError:
        return None
    return f"{ins.keyword} {json.dumps(words)}"
