"""Questions rules ask about RUN commands, answered once here."""

from __future__ import annotations

from slimmer.model.nodes import Instruction
from slimmer.model.shell import Command

APT = {"apt-get", "apt"}


def is_apt(cmd: Command, subcommand: str) -> bool:
    return cmd.name in APT and cmd.subcommand == subcommand


def apt_packages(cmd: Command) -> list[str]:
    """Packages an `apt-get install` names (version pins stripped)."""
    if not is_apt(cmd, "install"):
        return []
    return [w.split("=", 1)[0] for w in cmd.words[1:]]


def removes(cmds: tuple[Command, ...], path: str) -> bool:
    """True when some `rm` in the commands deletes `path` (or everything below it)."""
    path = path.rstrip("/")
    for c in cmds:
        if c.name != "rm":
            continue
        for arg in c.words:
            a = arg.rstrip("/").removesuffix("/*").rstrip("/")
            if a and (path == a or path.startswith(a + "/")):
                return True
    return False


def cache_mount_on(ins: Instruction, path: str) -> bool:
    """True when a `--mount=type=cache` (or tmpfs) covers `path`."""
    path = path.rstrip("/")
    for m in ins.mounts:
        if m.get("type") not in ("cache", "tmpfs"):
            continue
        target = (m.get("target") or "").rstrip("/")
        if target and (path == target or path.startswith(target + "/") or target.startswith(path + "/")):
            return True
    return False
