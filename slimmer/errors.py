"""Errors the user sees as one line, and the exit codes they map to."""

from __future__ import annotations

import re

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at/above the fail level, or `--check` would change the file
EXIT_USAGE = 2  # bad input: missing/malformed Dockerfile, bad option, failed build
EXIT_INTERNAL = 3  # a bug in slimmer

REPORT_BUGS = ("this is a bug in slimmer, not in your file: please report it to the slimmer project with the "
               "input file, `slimmer --version` and the output of the same command run with SLIMMER_DEBUG=1")

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi controls: a CR
# in a message can forge a GitHub workflow command, an ESC drives the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """`text` with every control character shown as an escape (`\\r`, `\\x1b`, `\\u2028`), so
    that a message stays one harmless line wherever it is printed."""
    def one(m: re.Match) -> str:
        ch = m.group(0)
        named = {"\n": "\\n", "\r": "\\r"}.get(ch)
        if named:
            return named
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(one, text)


class SlimmerError(Exception):
    """An error about the user's input, printed as `FILE:LINE: message`."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(str(self.line))
        prefix = ":".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return escape(text)


class DockerfileError(SlimmerError):
    """The Dockerfile cannot be read or is malformed."""


class InternalError(SlimmerError):
    """A bug in slimmer itself (a transformation that does not parse, a fix that never
    converges): the user's file is left alone and the message says how to report it."""

    exit_code = EXIT_INTERNAL

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return escape(f"{where}internal error in slimmer: {self.message}; your file was left alone; {REPORT_BUGS}")
