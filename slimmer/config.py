"""Configuration: `[tool.slimmer]` in pyproject.toml, or a `.slimmer.toml`.

The nearest file wins, searched from the analysed file's folder upwards (as ruff does):
    [tool.slimmer]
    ignore = ["SLM050"]
    fail-level = "error"
    stages = "all"            # size rules on build stages too (default: "final")
    [tool.slimmer.severity]
    SLM034 = "error"
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from slimmer.errors import SlimmerError

KEYS = {"ignore", "select", "severity", "fail-level", "stages"}


@dataclass
class Config:
    ignore: set[str] = field(default_factory=set)
    select: set[str] | None = None
    severity: dict[str, str] = field(default_factory=dict)
    fail_level: str | None = None
    all_stages: bool = False
    source: str | None = None


def _table(path: str) -> dict | None:
    import tomllib  # only when a config file exists

    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError:
        return None
    except tomllib.TOMLDecodeError as exc:
        raise SlimmerError(f"invalid TOML: {exc}", path) from None
    if os.path.basename(path) == "pyproject.toml":
        return doc.get("tool", {}).get("slimmer")
    return doc


def find_config(start: str) -> tuple[str, dict] | None:
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in (".slimmer.toml", "pyproject.toml"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                table = _table(candidate)
                if table is not None:
                    return candidate, table
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(start: str, explicit: str | None = None) -> Config:
    if explicit:
        table = _table(explicit)
        if table is None:
            raise SlimmerError("no such config file, or no [tool.slimmer] table in it", explicit)
        found: tuple[str, dict] | None = (explicit, table)
    else:
        found = find_config(start)
    if found is None:
        return Config()
    path, table = found
    unknown = set(table) - KEYS
    if unknown:
        raise SlimmerError(f"unknown slimmer setting(s): {', '.join(sorted(unknown))}", path)
    stages = table.get("stages", "final")
    if stages not in ("final", "all"):
        raise SlimmerError('stages must be "final" or "all"', path)
    level = table.get("fail-level")
    if level is not None and level not in ("info", "warning", "error"):
        raise SlimmerError("fail-level must be info, warning or error", path)
    severity = {k.upper(): v for k, v in table.get("severity", {}).items()}
    for rid, sev in severity.items():
        if sev not in ("info", "warning", "error"):
            raise SlimmerError(f"severity of {rid} must be info, warning or error", path)
    select = table.get("select")
    return Config(
        ignore={c.upper() for c in table.get("ignore", [])},
        select={c.upper() for c in select} if select is not None else None,
        severity=severity,
        fail_level=level,
        all_stages=stages == "all",
        source=path,
    )
