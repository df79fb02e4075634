"""Errors the user sees as one line, and the exit codes they map to."""

from __future__ import annotations

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at/above the fail level, or `--check` would change the file
EXIT_USAGE = 2  # bad input: missing/malformed Dockerfile, bad option, failed build


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
        return f"{prefix}: {self.message}" if prefix else self.message


class DockerfileError(SlimmerError):
    """The Dockerfile cannot be read or is malformed."""
