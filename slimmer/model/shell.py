"""The commands a RUN executes, read through a real shell parse (bashlex).

`apt-get update && apt-get install -y x; sh -c "pip install y" | tee log` gives four
commands: apt-get update, apt-get install, pip install (from inside sh -c), tee.
Rules ask questions of these commands instead of matching strings.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

# Words that run the command after them: `sudo apt-get ...`, `env A=1 pip ...`.
WRAPPERS = {"sudo", "env", "exec", "time", "nohup", "nice", "xargs", "command", "chronic", "eatmydata"}
SHELLS = {"sh", "bash", "dash", "ash", "zsh"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]  # the command and its arguments, wrappers and VAR= prefixes removed
    assignments: tuple[tuple[str, str], ...] = field(default=())
    index: int = 0  # position among the RUN's commands
    # Where each argv word is in the script (start, end), None where it is not there as
    # written (inside `sh -c "..."`, a word the fallback parse could not find); and which
    # of the instruction's scripts (Instruction.shell_scripts) the command is in.
    spans: tuple[tuple[int, int] | None, ...] = field(default=(), compare=False, repr=False)
    script: int = field(default=0, compare=False, repr=False)

    @property
    def span(self) -> tuple[int, int] | None:
        """The command in its script, from its first word to its last (wrappers such as
        sudo and VAR= prefixes not included), or None when not known."""
        if not self.spans or self.spans[0] is None or self.spans[-1] is None:
            return None
        return self.spans[0][0], self.spans[-1][1]

    @property
    def name(self) -> str:
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]

    @property
    def words(self) -> tuple[str, ...]:
        """Arguments that are not options."""
        return tuple(a for a in self.args if not a.startswith("-"))

    @property
    def subcommand(self) -> str | None:
        """The first non-option argument: `install` in `apt-get -y install x`."""
        return self.words[0] if self.words else None

    def has_option(self, *options: str) -> bool:
        """True when any of the options is given, as --opt, --opt=value or inside -abc."""
        for arg in self.args:
            for opt in options:
                if arg == opt or (opt.startswith("--") and arg.startswith(opt + "=")):
                    return True
                if len(opt) == 2 and opt[0] == "-" and opt[1] != "-":
                    if arg.startswith("-") and not arg.startswith("--") and opt[1] in arg[1:]:
                        return True
        return False

    def is_(self, name: str, subcommand: str | None = None) -> bool:
        if self.name != name and not (name == "pip" and _is_pip(self)):
            return False
        return subcommand is None or self.subcommand == subcommand

    @property
    def text(self) -> str:
        return " ".join(self.argv)


def scan_options(
    args: tuple[str, ...] | list[str],
    value_options: set[str],
    clusters: bool = True,
    boolean_values: bool = False,
) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Split arguments into (option, value) pairs and positional words.

    `value_options` take a value: the next argument, after `=`, or (with `clusters`) glued
    to a short option (`-rreq.txt`); `clusters` also opens `-Ur` into `-U -r`. With
    `boolean_values`, a `true`/`false` after an option is its value (npm's `--production
    false`). A lone `--` ends the options.
    """
    options: list[tuple[str, str | None]] = []
    words: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            words.extend(args[i + 1 :])
            break
        if a.startswith("--") or (a.startswith("-") and len(a) > 1 and not clusters):
            name, eq, value = a.partition("=")
            if eq and a.startswith("--"):
                options.append((name, value))
            elif a in value_options and i + 1 < len(args):
                options.append((a, args[i + 1]))
                i += 1
            elif boolean_values and i + 1 < len(args) and args[i + 1].lower() in ("true", "false"):
                options.append((a, args[i + 1]))
                i += 1
            else:
                options.append((a, None))
        elif a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                opt = "-" + ch
                if opt in value_options:
                    rest = a[j + 1 :].removeprefix("=")
                    if rest:
                        options.append((opt, rest))
                    elif i + 1 < len(args):
                        options.append((opt, args[i + 1]))
                        i += 1
                    else:
                        options.append((opt, None))
                    break
                options.append((opt, None))
        else:
            words.append(a)
        i += 1
    return options, words


def _is_pip(cmd: Command) -> bool:
    # pip3, pip3.11, python -m pip
    if re.fullmatch(r"pip[0-9.]*", cmd.name):
        return True
    return False


def _normalise(words: list[str], assignments: list[tuple[str, str]]) -> list[str]:
    """Drop wrappers (sudo, env A=1) and turn `python -m pip` into `pip`."""
    changed = True
    while words and changed:
        changed = False
        head = words[0].rsplit("/", 1)[-1]
        if head in WRAPPERS:
            words = words[1:]
            while words and (words[0].startswith("-") or _ASSIGNMENT.match(words[0])):
                if _ASSIGNMENT.match(words[0]):
                    name, _, value = words[0].partition("=")
                    assignments.append((name, value))
                words = words[1:]
            changed = True
        elif re.fullmatch(r"python[0-9.]*", head) and len(words) > 2 and words[1] == "-m":
            words = [words[2]] + words[3:]
            changed = True
    if words:
        head = words[0].rsplit("/", 1)[-1]
        if re.fullmatch(r"pip[0-9.]*", head):
            words = ["pip"] + words[1:]
    return words


# Shell keywords that start or end a compound command; the fallback parse meets them.
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "(", ")"}


def _from_words(words: list[str], out: list[Command], depth: int, spans: list | None = None) -> None:
    if spans is None or len(spans) != len(words):
        spans = [None] * len(words)
    while words and words[0] in KEYWORDS:
        words = words[1:]
    assignments: list[tuple[str, str]] = []
    while words and _ASSIGNMENT.match(words[0]):
        name, _, value = words[0].partition("=")
        assignments.append((name, value))
        words = words[1:]
    words = _normalise(words, assignments)
    if not words:
        return
    # _normalise only drops words from the front (and renames pip3 to pip): the words
    # left are the last ones, and so are their spans.
    spans = tuple(spans[len(spans) - len(words):])
    head = words[0].rsplit("/", 1)[-1]
    # `sh -c "..."` runs a script of its own: read it too.
    if head in SHELLS and depth < 4:
        for i, w in enumerate(words[1:], 1):
            if w.startswith("-") and "c" in w[1:] and not w.startswith("--") and i + 1 < len(words):
                out.append(Command(tuple(words), tuple(assignments), len(out), spans))
                _parse_into(words[i + 1], out, depth + 1)
                return
    out.append(Command(tuple(words), tuple(assignments), len(out), spans))


def _walk(node, out: list[Command], depth: int) -> None:
    kind = node.kind
    if kind == "command":
        words = []
        spans: list[tuple[int, int] | None] = []
        for part in node.parts:
            if part.kind == "word":
                words.append(part.word)
                spans.append(tuple(part.pos) if depth == 0 else None)
                for sub in getattr(part, "parts", []) or []:
                    if sub.kind == "commandsubstitution":
                        _walk(sub.command, out, depth)
            elif part.kind == "assignment":
                words.append(part.word)
                spans.append(tuple(part.pos) if depth == 0 else None)
            elif part.kind in ("compound", "function"):
                _walk(part, out, depth)
        _from_words(words, out, depth, spans)
        return
    for child in getattr(node, "parts", None) or []:
        _walk(child, out, depth)
    for attr in ("list", "command"):
        child = getattr(node, attr, None)
        if child is not None and hasattr(child, "kind"):
            _walk(child, out, depth)
        elif isinstance(child, list):
            for c in child:
                if hasattr(c, "kind"):
                    _walk(c, out, depth)


_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\||\n)\s*")


def _parse_into(script: str, out: list[Command], depth: int = 0) -> None:
    from slimmer.model.bashlex_tables import import_bashlex

    bashlex = import_bashlex()  # ~80 ms faster than `import bashlex` once its tables are cached

    try:
        trees = bashlex.parse(script)
    except Exception:  # bashlex does not know every bash construct; fall back to words
        start = 0
        for m in [*_SPLIT.finditer(script), None]:
            end = m.start() if m else len(script)
            piece = script[start:end]
            try:
                words = shlex.split(piece, comments=True)
            except ValueError:
                words = piece.split()
            if words:
                _from_words(words, out, depth, _find_words(piece, words, start) if depth == 0 else None)
            if m:
                start = m.end()
        return
    for tree in trees:
        _walk(tree, out, depth)


def _find_words(piece: str, words: list[str], offset: int) -> list[tuple[int, int] | None]:
    """Spans of words found as written, in order, in `piece` (which starts at `offset`);
    None for a word that is not there verbatim (quoted, escaped)."""
    spans: list[tuple[int, int] | None] = []
    pos = 0
    for w in words:
        i = piece.find(w, pos)
        ok = i >= 0 and (i == 0 or piece[i - 1] in " \t") and (i + len(w) == len(piece) or piece[i + len(w)] in " \t")
        if ok:
            spans.append((offset + i, offset + i + len(w)))
            pos = i + len(w)
        else:
            spans.append(None)
    return spans


class _SizedCache:
    """Parsed scripts, least recently used first out, bounded by the total length of the
    scripts kept (a count bound let a directory run of long RUNs hold hundreds of MB)."""

    def __init__(self, max_chars: int):
        from collections import OrderedDict

        self.max_chars = max_chars
        self.chars = 0
        self.entries: OrderedDict[str, tuple[Command, ...]] = OrderedDict()

    def get(self, script: str):
        found = self.entries.get(script)
        if found is not None:
            self.entries.move_to_end(script)
        return found

    def put(self, script: str, value: tuple[Command, ...]) -> None:
        if len(script) > self.max_chars // 4:
            return  # one huge script is parsed once and not kept
        self.entries[script] = value
        self.chars += len(script)
        while self.chars > self.max_chars:
            old, _ = self.entries.popitem(last=False)
            self.chars -= len(old)

    def clear(self) -> None:
        self.entries.clear()
        self.chars = 0


# ~2 MB of script text (the commands parsed from it take about ten times that).
_CACHE = _SizedCache(2_000_000)


def parse_commands(script: str) -> tuple[Command, ...]:
    found = _CACHE.get(script)
    if found is not None:
        return found
    out: list[Command] = []
    _parse_into(script, out)
    result = tuple(Command(c.argv, c.assignments, i, c.spans) for i, c in enumerate(out))
    _CACHE.put(script, result)
    return result


