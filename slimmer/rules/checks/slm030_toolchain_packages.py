"""SLM030: compilers, headers and other build-only packages installed in a stage that ships."""

from __future__ import annotations

import re

from slimmer.model.shell import Command
from slimmer.rules import data, rule
from slimmer.rules.facts_layers import side_stage
from slimmer.rules.facts_node import runs

APT = {"apt-get", "apt", "aptitude"}
RPM = {"yum", "dnf", "microdnf", "tdnf"}
# Options whose value is the next word, per package manager family.
_VALUE_OPTIONS = {
    "apt": {"-o", "--option", "-t", "--target-release", "-c", "--config-file"},
    "apk": {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--keys-dir", "--cache-dir", "--repositories-file"},
    "rpm": {"--setopt", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "-x", "--exclude", "--repo", "--repoid", "-c", "--config"},
    "zypper": {"-t", "--type", "--from", "-r", "--repo", "-p"},
}


def _family(cmd: Command) -> str | None:
    if cmd.name in APT:
        return "apt"
    if cmd.name == "apk":
        return "apk"
    if cmd.name in RPM:
        return "rpm"
    if cmd.name == "zypper":
        return "zypper"
    return None


def _split(cmd: Command, family: str) -> tuple[list[str], dict[str, str]]:
    """Non-option words (the subcommand first) and the options given a value."""
    words: list[str] = []
    options: dict[str, str] = {}
    args = list(cmd.args)
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1:
            if "=" in a and a.startswith("--"):
                name, _, value = a.partition("=")
                options[name] = value
            elif a in _VALUE_OPTIONS[family] and i + 1 < len(args):
                options[a] = args[i + 1]
                i += 1
        else:
            words.append(a)
        i += 1
    return words, options


def _name(word: str) -> str | None:
    """A package name from a package argument: version pins, arch and release stripped."""
    if "$" in word or "*" in word or word.endswith((".deb", ".rpm", ".apk")):
        return None
    name = re.split(r"[=<>~]", word, maxsplit=1)[0]
    name = name.split(":", 1)[0] if not name.startswith("@") else name
    name = name.split("/", 1)[0] if "/" in name and not name.startswith("@") else name
    return name.lstrip("@") or None


def _installs(cmd: Command) -> tuple[list[str], str | None]:
    """Packages a command installs, and the apk virtual name they are grouped under."""
    family = _family(cmd)
    if family is None:
        return [], None
    words, options = _split(cmd, family)
    if not words:
        return [], None
    sub, rest = words[0], words[1:]
    if family == "rpm" and sub == "group" and rest[:1] == ["install"]:
        sub, rest = "groupinstall", rest[1:]
    if family == "apt" and sub == "install":
        pass
    elif family == "apk" and sub == "add":
        pass
    elif family == "rpm" and sub in ("install", "groupinstall"):
        pass
    elif family == "zypper" and sub in ("install", "in"):
        pass
    else:
        return [], None
    names = [n for n in map(_name, rest) if n]
    virtual = options.get("--virtual") or options.get("-t") if family == "apk" else None
    return names, virtual


def _removes(cmd: Command) -> tuple[set[str], bool]:
    """Packages (or apk virtual names) a command removes; True when it auto-removes."""
    family = _family(cmd)
    if family is None:
        return set(), False
    words, _ = _split(cmd, family)
    if not words:
        return set(), False
    sub, rest = words[0], words[1:]
    subs = {"apt": ("remove", "purge", "autoremove"), "apk": ("del",),
            "rpm": ("remove", "erase", "autoremove", "groupremove"), "zypper": ("remove", "rm")}[family]
    if sub not in subs:
        return set(), False
    auto = sub == "autoremove" or cmd.has_option("--auto-remove", "--autoremove")
    return {n for n in map(_name, rest) if n}, auto


def _key(name: str) -> str:
    return name.lower().replace("-", " ")  # "Development Tools" is also @development-tools


def _is_toolchain(name: str) -> bool:
    toolchain = {_key(p) for p in data("packages")["toolchain"]}
    return _key(name) in toolchain or name.endswith(("-dev", "-devel"))


def _kept(cmds: tuple[Command, ...]) -> list[str]:
    """Toolchain packages the RUN installs and does not remove again later in the same RUN."""
    kept: list[str] = []
    for cmd in cmds:
        names, virtual = _installs(cmd)
        tool = [n for n in names if _is_toolchain(n)]
        if not tool:
            continue
        later = cmds[cmd.index + 1:]
        removed: set[str] = set()
        marked_auto = any(c.name == "apt-mark" and c.words[:1] == ("auto",) for c in cmds[: cmd.index + 1] + later)
        all_gone = False
        for c in later:
            gone, auto = _removes(c)
            removed |= gone
            if auto and marked_auto and _family(c) == "apt":
                all_gone = True  # apt-mark auto '.*' ... apt-get purge --auto-remove: the official images' pattern
        if all_gone or (virtual and virtual in removed):
            continue
        kept += [n for n in tool if n not in removed and n not in kept]
    return kept


# Version control tools: often needed at run time too (a CI agent, pip install git+…): not reported alone.
VCS = {"git", "mercurial", "subversion", "git-lfs"}


@rule("SLM030")
def check(ctx, r):
    runtime = data("packages")["dev_to_runtime"]
    for stage in ctx.stages_for(r.scope):
        if side_stage(stage):
            continue  # a test / dev stage built with --target (as SLM074 reads it) needs its toolchain
        for ins, cmds in runs(ctx, stage):
            kept = _kept(cmds)
            if not kept or set(kept) <= VCS:
                continue
            swaps = [f"{p} -> {runtime[p]}" for p in kept if p in runtime]
            unmapped = [p for p in kept if p.endswith(("-dev", "-devel")) and p not in runtime]
            hint = ""
            if swaps:
                hint = f"; at runtime install only the libraries ({', '.join(swaps)})"
            elif unmapped:
                hint = "; at runtime install only their runtime libraries"
            size = " (build-essential alone is ~200-250 MB)" if "build-essential" in kept else ""
            yield r.finding(
                ins,
                f"build-only packages in a stage that ships: {', '.join(kept)}{size}; install them in a "
                f"builder stage and copy the built artefacts{hint}",
            )
