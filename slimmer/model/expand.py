"""Variable expansion as the Dockerfile frontend does it, for values that are known."""

from __future__ import annotations

import re

# $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}
_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def expand(text: str, variables: dict[str, str | None], escape: str = "\\") -> tuple[str, bool]:
    """Expand variables in `text`. Returns (result, fully_resolved).

    A variable whose value is unknown (declared without a default, or never declared)
    is left exactly as written, so the result still says what the user wrote.
    """
    resolved = True

    def substitute(m: re.Match[str]) -> str:
        nonlocal resolved
        start = m.start()
        if start > 0 and text[start - 1] == escape:
            return m.group(0)  # \$VAR is a literal dollar sign
        name = m.group("braced") or m.group("bare")
        known = name in variables and variables[name] is not None
        value = variables.get(name) if known else None
        op = m.group("op")
        if op is None:
            if known:
                return value or ""
            resolved = False
            return m.group(0)
        word = expand(m.group("word") or "", variables, escape)[0]
        is_set = known
        non_empty = known and value != ""
        if op == ":-":
            return value if non_empty else word  # type: ignore[return-value]
        if op == "-":
            return value if is_set else word  # type: ignore[return-value]
        if op == ":+":
            return word if non_empty else ""
        return word if is_set else ""  # "+"

    result = _VAR.sub(substitute, text)
    return result, resolved
