"""Parse a Dockerfile into the model: nodes that keep their text, stages, flags, scopes.

This is the only module that reads Dockerfile text; everything else works on the model.
"""

from __future__ import annotations

import json
import os

from dockerfile_parse.util import WordSplitter

from slimmer.errors import DockerfileError
from slimmer.model.expand import expand
from slimmer.model.imageref import ImageRef
from slimmer.model.nodes import Dockerfile, Instruction, Node, Stage
from slimmer.model.scope import ScopeStore
from slimmer.parse.flags import ALLOWED_FLAGS, INSTRUCTIONS, split_flags
from slimmer.parse.lexer import RawInstruction, lex

BOM = "\ufeff"
EXEC_FORM_KEYWORDS = {"RUN", "CMD", "ENTRYPOINT", "SHELL", "VOLUME", "COPY", "ADD"}
# Build arguments BuildKit defines itself; their values depend on the build.
PLATFORM_ARGS = {
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
}  # fmt: skip


def parse_file(path: str | os.PathLike[str], build_args: dict[str, str] | None = None) -> Dockerfile:
    path = os.fspath(path)
    if os.path.isdir(path):
        raise DockerfileError("is a directory, not a Dockerfile", path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DockerfileError("no such file", path) from None
    except OSError as exc:
        raise DockerfileError(f"cannot read: {exc.strerror}", path) from None
    return parse_bytes(data, path, build_args)


def parse_bytes(data: bytes, path: str = "Dockerfile", build_args: dict[str, str] | None = None) -> Dockerfile:
    if b"\0" in data:
        raise DockerfileError("not a Dockerfile: the file is binary", path, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DockerfileError("not a Dockerfile: the file is not UTF-8 text", path, line) from None
    return parse_text(text, path, build_args)


def parse_text(text: str, path: str = "Dockerfile", build_args: dict[str, str] | None = None) -> Dockerfile:
    bom = ""
    if text.startswith(BOM):
        bom, text = BOM, text[1:]
    raw_nodes, directives, escape = lex(text, path)
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    df = Dockerfile(path=path, nodes=[], bom=bom, escape=escape, directives=directives, newline=newline)
    _Assembler(df, build_args or {}).run(raw_nodes)
    return df


def _keyword(raw: RawInstruction) -> str:
    words = raw.logical.split(None, 1)
    return words[0].upper() if words else ""


class _Assembler:
    """Turns raw instructions into Instruction nodes and groups them into stages."""

    def __init__(self, df: Dockerfile, build_args: dict[str, str]):
        self.df = df
        self.build_args = build_args
        # Scopes are versioned views of one store per stage (and one for the global ARGs),
        # not a copy per instruction: the model stays linear in the file's length.
        self.store = ScopeStore()
        self.global_store = ScopeStore()
        self.env_names: set[str] = set()

    @property
    def scope(self):
        return self.store.snapshot()

    def error(self, message: str, line: int) -> DockerfileError:
        return DockerfileError(message, self.df.path, line)

    def run(self, raw_nodes: list[Node | RawInstruction]) -> None:
        df = self.df
        first_instruction = None
        for raw in raw_nodes:
            if not isinstance(raw, RawInstruction):
                df.nodes.append(raw)
                continue
            ins = self.instruction(raw)
            first_instruction = first_instruction or ins
            df.nodes.append(ins)
            if ins.keyword == "FROM":
                self.start_stage(ins)
            elif not df.stages:
                if not any(isinstance(r, RawInstruction) and _keyword(r) == "FROM" for r in raw_nodes):
                    raise self.error("no FROM instruction: a Dockerfile needs at least one stage", ins.line)
                if ins.keyword != "ARG":
                    raise self.error(
                        f"{ins.keyword} before the first FROM: only ARG may come before it", ins.line
                    )
                ins.scope = self.global_scope()
                for name, value in self.arg_pairs(ins):
                    if name in self.build_args:
                        value = self.build_args[name]
                    elif value is not None:
                        value = expand(value, self.global_scope(), df.escape)[0]
                    df.global_args[name] = value
                    self.global_store.set(name, value)
            else:
                stage = df.stages[-1]
                ins.stage_index = stage.index
                ins.scope = self.scope
                stage.instructions.append(ins)
                self.update_scope(ins)
        if not df.stages:
            if first_instruction is None:
                raise self.error("not a Dockerfile: it has no instructions", 1)
            raise self.error("no FROM instruction: a Dockerfile needs at least one stage", first_instruction.line)

    # --- instructions --------------------------------------------------------
    def instruction(self, raw: RawInstruction) -> Instruction:
        keyword_text, _, rest = raw.logical.partition(" ")
        if "\t" in keyword_text:
            keyword_text, _, tail = keyword_text.partition("\t")
            rest = tail + " " + rest
        keyword = keyword_text.upper()
        if keyword not in INSTRUCTIONS:
            raise self.error(f"unknown instruction {keyword_text!r}", raw.line)
        ins = Instruction(raw.raw, raw.line, raw.end_line, keyword=keyword, logical=raw.logical, escape=self.df.escape)
        ins.heredocs = raw.heredocs
        if keyword == "ONBUILD":
            inner_raw = RawInstruction(rest.strip(), raw.line, raw.end_line, rest.strip(), raw.heredocs)
            if not inner_raw.logical:
                raise self.error("ONBUILD needs an instruction", raw.line)
            ins.inner = self.instruction(inner_raw)
            if ins.inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
                raise self.error(f"{ins.inner.keyword} is not allowed in ONBUILD", raw.line)
            ins.args = rest.strip()
            return ins
        allowed = ALLOWED_FLAGS.get(keyword, set())
        if allowed or rest.lstrip().startswith("--"):
            flags, args = split_flags(rest)
            for flag in flags:
                if flag.name not in allowed:
                    raise self.error(f"unknown flag --{flag.name} for {keyword}", raw.line)
            ins.flags = flags
        else:
            args = rest.strip()
        ins.args = args.strip()
        if keyword in EXEC_FORM_KEYWORDS and ins.args.startswith("["):
            try:
                value = json.loads(ins.args)
            except (ValueError, RecursionError):  # RecursionError: `[[[[...` nested too deep to decode
                value = None
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                ins.exec_form = value
        if keyword in ("ARG", "ENV", "LABEL"):
            ins.pairs = _pairs(keyword, ins.args)
        if keyword == "FROM" and not ins.args:
            raise self.error("FROM needs an image", raw.line)
        if keyword == "SHELL" and ins.exec_form is None:
            raise self.error("SHELL must be a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"]", raw.line)
        return ins

    # --- stages and variables -------------------------------------------------
    def global_scope(self):
        return self.global_store.snapshot()

    def start_stage(self, ins: Instruction) -> None:
        df = self.df
        words = ins.args.split()
        name_as_written = None
        if len(words) == 3 and words[1].lower() == "as":
            name_as_written = words[2]
        elif len(words) != 1:
            raise self.error("FROM takes an image and optionally AS name", ins.line)
        index = len(df.stages)
        ins.stage_index = index
        ins.scope = self.global_scope()
        base, _ = expand(words[0], self.global_scope(), df.escape)
        name = name_as_written.lower() if name_as_written else None
        named = self.__dict__.setdefault("named", {})  # stage name -> stage, so a long file stays linear
        if name is not None and name in named:
            raise self.error(
                f"duplicate stage name {name_as_written!r} (first used on line {named[name].line})", ins.line
            )
        base_stage = None
        image = None
        # FROM can only name a stage defined above it; any other name is an image.
        if base.lower() in named:
            base_stage = named[base.lower()].index
            base = base.lower()
        if base_stage is None:
            image = ImageRef.parse(base)
        platform = ins.flag("platform")
        stage = Stage(index, name, name_as_written, ins, base, base_stage, image, platform)
        df.stages.append(stage)
        if name is not None:
            named[name] = stage
        # A stage starts with no variables but the platform ones; global ARGs come
        # in only when re-declared with ARG NAME inside the stage.
        self.store = ScopeStore()
        self.env_names = set()

    def update_scope(self, ins: Instruction) -> None:
        if ins.keyword == "ARG":
            for name, value in self.arg_pairs(ins):
                if name in self.build_args:
                    value = self.build_args[name]
                elif value is None and name in self.df.global_args:
                    value = self.df.global_args[name]
                elif value is not None:
                    value = expand(value, self.scope, self.df.escape)[0]
                # An ENV of the same name wins over an ARG (Docker's rule).
                if name not in self.env_names:
                    self.store.set(name, value)
        elif ins.keyword == "ENV":
            for name, value in self.env_pairs(ins):
                self.store.set(name, expand(value, self.scope, self.df.escape)[0])
                self.env_names.add(name)

    def arg_pairs(self, ins: Instruction) -> list[tuple[str, str | None]]:
        return ins.pairs

    def env_pairs(self, ins: Instruction) -> list[tuple[str, str]]:
        return [(name, value or "") for name, value in ins.pairs]


def _pairs(keyword: str, args: str) -> list[tuple[str, str | None]]:
    """NAME=value words of ARG, ENV and LABEL (dockerfile-parse splits them, honouring quotes)."""
    words = list(WordSplitter(args).split())
    if keyword != "ARG" and words and "=" not in words[0]:
        # Legacy `ENV KEY value with spaces` / `LABEL key value`.
        name, _, value = args.partition(" ")
        return [(name, value.strip())]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, eq, value = word.partition("=")
        pairs.append((name, value if eq else (None if keyword == "ARG" else "")))
    return pairs


__all__ = ["parse_file", "parse_bytes", "parse_text", "PLATFORM_ARGS"]
