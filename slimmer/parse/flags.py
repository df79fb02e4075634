"""Instruction flags (--from, --mount=..., --chown ...) and which instruction takes which."""

from __future__ import annotations

import csv

from slimmer.model.nodes import Flag

# The flags each instruction accepts in current BuildKit; anything else is an error there.
ALLOWED_FLAGS: dict[str, set[str]] = {
    "FROM": {"platform"},
    "RUN": {"mount", "network", "security", "device"},
    "COPY": {"from", "chown", "chmod", "link", "parents", "exclude"},
    "ADD": {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"},
    "HEALTHCHECK": {"interval", "timeout", "start-period", "start-interval", "retries"},
}

INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
    "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
    "HEALTHCHECK", "SHELL",
}  # fmt: skip


def split_flags(text: str) -> tuple[list[Flag], str]:
    """Leading --name[=value] words of an instruction's arguments, and the rest."""
    flags: list[Flag] = []
    rest = text.lstrip()
    while rest.startswith("--"):
        word, _, after = _first_word(rest)
        if word == "--":
            break
        name, eq, value = word[2:].partition("=")
        flags.append(Flag(name, value if eq else None))
        rest = after.lstrip()
    return flags, rest


def _first_word(text: str) -> tuple[str, str, str]:
    """Split off the first whitespace-separated word, honouring quotes inside it."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in " \t":
            return text[:i], ch, text[i + 1 :]
    return text, "", ""


def parse_mount(value: str) -> dict[str, str]:
    """`type=cache,target=/root/.cache,from=x` -> {"type": "cache", ...}.

    Fields are CSV (BuildKit reads them with encoding/csv); a bare word is a boolean
    such as `ro`. The default type is bind.
    """
    try:
        fields = next(csv.reader([value]), [])
    except csv.Error:  # a CR or NUL in the value: read it as plain comma-separated fields
        fields = value.split(",")
    mount: dict[str, str] = {}
    for item in fields:
        key, eq, val = item.partition("=")
        key = key.strip().lower()
        mount[key] = val.strip() if eq else "true"
    if "dst" in mount or "destination" in mount:
        mount.setdefault("target", mount.get("dst") or mount.get("destination", ""))
    if "src" in mount:
        mount.setdefault("source", mount["src"])
    mount.setdefault("type", "bind")
    return mount
