"""The plan's vocabulary, shared by the splitter and the ecosystem modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from slimmer.model.nodes import Node


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


def under(path: str, folder: str) -> bool:
    """True when path is folder or inside it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")
