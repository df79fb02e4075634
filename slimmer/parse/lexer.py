"""Split Dockerfile text into nodes that keep every byte: directives, comments, blank
lines and instructions (with their continuation lines and heredoc bodies).

dockerfile-parse reads heredoc bodies as instructions and loses comments inside
continuations, so slimmer scans the concrete text itself, following BuildKit's parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slimmer.errors import DockerfileError
from slimmer.model.nodes import Blank, Comment, Directive, Heredoc, Node

KNOWN_DIRECTIVES = {"syntax", "escape", "check"}
_DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")
# Instructions whose shell-form arguments may open heredocs.
HEREDOC_KEYWORDS = {"RUN", "COPY", "ADD"}


def split_lines(text: str) -> list[str]:
    """Lines with their endings (\\n or \\r\\n) kept; the last may have none."""
    return _LINES.findall(text)


def content_of(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    return line


def _is_blank(content: str) -> bool:
    return content.strip() == ""


def _is_comment(content: str) -> bool:
    return content.lstrip().startswith("#")


@dataclass
class RawInstruction:
    """An instruction's text before its arguments are parsed."""

    raw: str
    line: int
    end_line: int
    logical: str  # continuation lines joined, comment lines inside dropped
    heredocs: list[Heredoc]


def find_heredoc_markers(logical: str) -> list[tuple[str, str, bool, bool]]:
    """(fd, delimiter, strip_tabs, quoted) for each unquoted <<WORD in a command line."""
    markers = []
    i, n = 0, len(logical)
    quote = None
    while i < n:
        ch = logical[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < n:
                i += 2
                continue
            if ch == quote:
                quote = None
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if logical.startswith("<<", i) and not logical.startswith("<<<", i):
            # Not the tail of a <<< here-string either.
            if i > 0 and logical[i - 1] == "<":
                i += 1
                continue
            m = re.match(r"<<(-?)(['\"]?)([A-Za-z0-9_.\-/]+)\2", logical[i:])
            if m:
                fd_match = re.search(r"(\d*)$", logical[:i])
                fd = fd_match.group(1) if fd_match else ""
                markers.append((fd, m.group(3), m.group(1) == "-", bool(m.group(2))))
                i += m.end()
                continue
        i += 1
    return markers


def lex(text: str, path: str) -> tuple[list[Node | RawInstruction], dict[str, str], str]:
    """Returns (nodes, directives, escape character)."""
    lines = split_lines(text)
    nodes: list[Node | RawInstruction] = []
    directives: dict[str, str] = {}
    escape = "\\"
    in_directives = True
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        content = content_of(line)
        lineno = i + 1
        if in_directives:
            m = _DIRECTIVE.match(content)
            if m and m.group(1).lower() in KNOWN_DIRECTIVES:
                name, value = m.group(1).lower(), m.group(2)
                if name in directives:
                    raise DockerfileError(f"only one '{name}' parser directive can be used", path, lineno)
                if name == "escape":
                    if value not in ("\\", "`"):
                        raise DockerfileError(f"invalid escape directive {value!r}: must be ` or \\", path, lineno)
                    escape = value
                directives[name] = value
                nodes.append(Directive(line, lineno, lineno, name=name, value=value))
                i += 1
                continue
            in_directives = False
        if _is_blank(content):
            nodes.append(Blank(line, lineno, lineno))
            i += 1
            continue
        if _is_comment(content):
            nodes.append(Comment(line, lineno, lineno))
            i += 1
            continue
        i = _lex_instruction(lines, i, escape, path, nodes)
    return nodes, directives, escape


def _lex_instruction(lines: list[str], start: int, escape: str, path: str, out: list) -> int:
    """Consume one instruction starting at lines[start]; return the next line index."""
    n = len(lines)
    parts: list[str] = []
    j = start
    current = content_of(lines[j])
    while True:
        stripped = current.rstrip(" \t")
        # BuildKit: a line whose last non-blank character is the escape continues.
        if stripped.endswith(escape):
            parts.append(stripped[: -len(escape)])
            j += 1
            # Blank and comment lines inside a continuation belong to the instruction.
            while j < n and (_is_blank(content_of(lines[j])) or _is_comment(content_of(lines[j]))):
                j += 1
            if j >= n:
                j -= 1
                break
            current = content_of(lines[j])
            continue
        parts.append(current)
        break
    # Joined as BuildKit joins them: the escape removed, nothing inserted.
    logical = "".join(parts).strip()
    end = j
    keyword = logical.split(None, 1)[0].upper() if logical.split() else ""
    heredocs: list[Heredoc] = []
    if keyword in HEREDOC_KEYWORDS or (keyword == "ONBUILD" and _onbuild_keyword(logical) in HEREDOC_KEYWORDS):
        after = logical.split(None, 1)[1] if len(logical.split(None, 1)) > 1 else ""
        if not after.lstrip().startswith("["):
            for fd, delimiter, strip_tabs, quoted in find_heredoc_markers(after):
                body_start = end + 1
                k = body_start
                while k < n:
                    body_line = content_of(lines[k])
                    if (body_line.lstrip("\t") if strip_tabs else body_line) == delimiter:
                        break
                    k += 1
                else:
                    raise DockerfileError(
                        f"unterminated heredoc <<{delimiter}: no line '{delimiter}' before the end of the file",
                        path,
                        start + 1,
                    )
                body = "".join(lines[body_start:k])
                heredocs.append(Heredoc(delimiter, strip_tabs, quoted, body, body_start + 1, fd))
                end = k
    raw = "".join(lines[start : end + 1])
    out.append(RawInstruction(raw, start + 1, end + 1, logical, heredocs))
    return end + 1


def _onbuild_keyword(logical: str) -> str:
    words = logical.split()
    return words[1].upper() if len(words) > 1 else ""


def logical_positions(raw: str, escape: str = "\\") -> list[int]:
    """For each character of an instruction's logical text (as `_lex_instruction` builds it:
    continuations joined, comment and blank lines inside dropped, stripped), its offset in
    `raw`. Fixes use it to turn a position in the shell script into one in the file."""
    lines = split_lines(raw)
    positions: list[int] = []
    chars: list[str] = []
    offset = 0
    j, n = 0, len(lines)
    while j < n:
        current = content_of(lines[j])
        stripped = current.rstrip(" \t")
        if stripped.endswith(escape):
            keep = stripped[: -len(escape)]
            chars.append(keep)
            positions.extend(range(offset, offset + len(keep)))
            offset += len(lines[j])
            j += 1
            while j < n and (_is_blank(content_of(lines[j])) or _is_comment(content_of(lines[j]))):
                offset += len(lines[j])
                j += 1
            continue
        chars.append(current)
        positions.extend(range(offset, offset + len(current)))
        break
    text = "".join(chars)
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    return positions[lead:trail]
