"""The concrete Dockerfile model: every node keeps its exact source text.

Rendering the nodes of an unchanged file gives back the input byte for byte, so a
rewrite can replace a few nodes and leave every other line exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from slimmer.model.imageref import ImageRef


@dataclass
class Node:
    raw: str  # exact source text, line endings included
    line: int  # 1-based first line
    end_line: int  # 1-based last line

    kind = "node"


@dataclass
class Blank(Node):
    kind = "blank"


@dataclass
class Comment(Node):
    kind = "comment"

    @property
    def text(self) -> str:
        return self.raw.strip().lstrip("#").strip()


@dataclass
class Directive(Node):
    name: str = ""  # lowercased: syntax, escape, check
    value: str = ""
    kind = "directive"


@dataclass
class Flag:
    name: str  # without the leading dashes, e.g. "mount"
    value: str | None  # None for a bare boolean flag such as --link

    @property
    def text(self) -> str:
        return f"--{self.name}" if self.value is None else f"--{self.name}={self.value}"


@dataclass
class Heredoc:
    delimiter: str
    strip_tabs: bool  # <<-EOF
    quoted: bool  # <<'EOF' or <<"EOF": no expansion in the body
    body: str  # the lines between the marker line and the terminator, endings kept
    line: int  # line of the first body line
    fd: str = ""  # optional file descriptor prefix, e.g. 3<<EOF

    @property
    def content(self) -> str:
        """The body as the builder sees it (leading tabs removed for <<-)."""
        if not self.strip_tabs:
            return self.body
        return "".join(ln.lstrip("\t") for ln in self.body.splitlines(keepends=True))


@dataclass
class Instruction(Node):
    keyword: str = ""  # upper case: RUN, COPY, ...
    logical: str = ""  # continuation lines joined, comments inside removed, no heredoc bodies
    flags: list[Flag] = field(default_factory=list)
    args: str = ""  # text after the keyword and flags
    exec_form: list[str] | None = None  # JSON array form of RUN/CMD/ENTRYPOINT/SHELL/...
    heredocs: list[Heredoc] = field(default_factory=list)
    inner: Instruction | None = None  # the instruction an ONBUILD wraps
    # ARG/ENV/LABEL: (name, value) as written, quotes removed, variables not expanded;
    # an ARG without a default has value None.
    pairs: list[tuple[str, str | None]] = field(default_factory=list)
    stage_index: int | None = None  # None before the first FROM
    scope: dict[str, str] = field(default_factory=dict)  # variables known before this line
    escape: str = "\\"  # the file's escape character (for mapping positions to the text)
    kind = "instruction"

    # --- flags -------------------------------------------------------------
    def flag(self, name: str) -> str | None:
        """Value of the last --name=value flag (Docker takes the last), or None."""
        value = None
        for f in self.flags:
            if f.name == name:
                value = f.value if f.value is not None else "true"
        return value

    def has_flag(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)

    @property
    def mounts(self) -> list[dict[str, str]]:
        """Every --mount=... of a RUN, parsed into key/value pairs."""
        from slimmer.parse.flags import parse_mount

        return [parse_mount(f.value or "") for f in self.flags if f.name == "mount"]

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    # --- content -----------------------------------------------------------
    @property
    def shell_scripts(self) -> list[str]:
        """The shell text this RUN executes: its command line, plus heredoc bodies fed to it.

        For `RUN <<EOF` (the heredoc is the script itself) the body is the script.
        """
        if self.exec_form is not None:
            return []
        scripts = []
        command = self.args
        if self.heredocs:
            first = command.strip()
            # `RUN <<EOF` alone: the body is run by the shell.
            if first.startswith("<<") and len(first.split()) == 1:
                return [h.content for h in self.heredocs]
        scripts.append(command)
        return scripts

    def raw_span(self, script: int, start: int, end: int, verbatim: bool = True) -> tuple[int, int] | None:
        """Where characters start:end of `shell_scripts[script]` are in `raw`, or None
        when they are not there verbatim (a <<- body, text split by a continuation; with
        verbatim=False, the range from the first character to the last, continuations and
        comment lines between them included)."""
        scripts = self.shell_scripts
        if not 0 <= script < len(scripts) or not 0 <= start < end <= len(scripts[script]):
            return None
        text = scripts[script]
        if self.heredocs and text is not self.args and text != self.args:
            h = next((h for h in self.heredocs if h.content == text), None)
            if h is None or h.strip_tabs:
                return None
            lines = self.raw.splitlines(keepends=True)
            base = sum(len(ln) for ln in lines[: h.line - self.line])
            if self.raw[base : base + len(text)] != text:
                return None
            return base + start, base + end
        from slimmer.parse.lexer import logical_positions

        if not self.logical.endswith(self.args):
            return None
        positions = logical_positions(self.raw, self.escape)
        if len(positions) != len(self.logical):
            return None
        lead = len(self.logical) - len(self.args)
        first, last = positions[lead + start], positions[lead + end - 1] + 1
        if verbatim and last - first != end - start:  # a continuation inside: not one verbatim piece
            return None
        return first, last

    def expand(self, text: str) -> str:
        from slimmer.model.expand import expand

        return expand(text, self.scope)[0]


@dataclass
class Stage:
    index: int
    name: str | None  # lowercased, as Docker compares names case-insensitively
    name_as_written: str | None
    from_instruction: Instruction
    base: str  # the FROM reference after expanding known ARGs
    base_stage: int | None  # index of the stage FROM names, if any
    image: ImageRef | None  # parsed base reference when it is an image
    platform: str | None
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.from_instruction.line

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)

    def find(self, keyword: str) -> Iterator[Instruction]:
        return (i for i in self.instructions if i.keyword == keyword)


@dataclass
class Dockerfile:
    path: str
    nodes: list[Node]
    bom: str = ""
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)
    global_args: dict[str, str | None] = field(default_factory=dict)  # before the first FROM
    stages: list[Stage] = field(default_factory=list)
    newline: str = "\n"  # the file's dominant line ending, for inserted lines

    def render(self) -> str:
        return self.bom + "".join(n.raw for n in self.nodes)

    @property
    def instructions(self) -> list[Instruction]:
        return [n for n in self.nodes if isinstance(n, Instruction)]

    @property
    def preamble(self) -> list[Instruction]:
        """Instructions before the first FROM (global ARGs)."""
        return [i for i in self.instructions if i.stage_index is None]

    def stage(self, ref: str) -> Stage | None:
        """The stage a --from / --target value names: a name (any case) or an index."""
        if ref.isascii() and ref.isdigit():  # not `²`, which str.isdigit() accepts
            idx = int(ref)
            return self.stages[idx] if idx < len(self.stages) else None
        low = ref.lower()
        for st in self.stages:
            if st.name == low:
                return st
        return None
