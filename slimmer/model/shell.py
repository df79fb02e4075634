"""The commands a RUN executes, read through a real shell parse (bashlex).

`apt-get update && apt-get install -y x; sh -c "pip install y" | tee log` gives four
commands: apt-get update, apt-get install, pip install (from inside sh -c), tee.
Rules ask questions of these commands instead of matching strings.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache

# Words that run the command after them: `sudo apt-get ...`, `env A=1 pip ...`.
WRAPPERS = {"sudo", "env", "exec", "time", "nohup", "nice", "xargs", "command", "chronic", "eatmydata"}
SHELLS = {"sh", "bash", "dash", "ash", "zsh"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]  # the command and its arguments, wrappers and VAR= prefixes removed
    assignments: tuple[tuple[str, str], ...] = field(default=())
    index: int = 0  # position among the RUN's commands
    # Redirections as (operator, target word): `pip install x>=2` is pip install x, ('>', '=2').
    # Only from the real shell parse; descriptor duplications such as 2>&1 are left out.
    redirects: tuple[tuple[str, str], ...] = field(default=())

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


def _from_words(words: list[str], out: list[Command], depth: int, redirects: tuple[tuple[str, str], ...] = ()) -> None:
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
    head = words[0].rsplit("/", 1)[-1]
    # `sh -c "..."` runs a script of its own: read it too.
    if head in SHELLS and depth < 4:
        for i, w in enumerate(words[1:], 1):
            if w.startswith("-") and "c" in w[1:] and not w.startswith("--") and i + 1 < len(words):
                out.append(Command(tuple(words), tuple(assignments), len(out), redirects))
                _parse_into(words[i + 1], out, depth + 1)
                return
    out.append(Command(tuple(words), tuple(assignments), len(out), redirects))


def _walk(node, out: list[Command], depth: int) -> None:
    kind = node.kind
    if kind == "command":
        words = []
        redirects = []
        for part in node.parts:
            if part.kind == "word":
                words.append(part.word)
                for sub in getattr(part, "parts", []) or []:
                    if sub.kind == "commandsubstitution":
                        _walk(sub.command, out, depth)
            elif part.kind == "assignment":
                words.append(part.word)
            elif part.kind in ("compound", "function"):
                _walk(part, out, depth)
            elif part.kind == "redirect" and hasattr(getattr(part, "output", None), "word"):
                redirects.append((part.type, part.output.word))
        _from_words(words, out, depth, tuple(redirects))
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
        for piece in _SPLIT.split(script):
            try:
                words = shlex.split(piece, comments=True)
            except ValueError:
                words = piece.split()
            if words:
                _from_words(words, out, depth)
        return
    for tree in trees:
        _walk(tree, out, depth)


def command_from_argv(argv: list[str] | tuple[str, ...]) -> tuple[Command, ...]:
    """The commands an exec-form argv runs (`CMD ["python", "-m", "flask", "run"]`), read as
    the shell parse reads words (wrappers, `python -m`, `sh -c "..."` followed), without a
    shell parse of its own: there is no shell."""
    out: list[Command] = []
    _from_words(list(argv), out, 0)
    return tuple(Command(c.argv, c.assignments, i, c.redirects) for i, c in enumerate(out))


@lru_cache(maxsize=4096)
def parse_commands(script: str) -> tuple[Command, ...]:
    out: list[Command] = []
    _parse_into(script, out)
    return tuple(Command(c.argv, c.assignments, i, c.redirects) for i, c in enumerate(out))
