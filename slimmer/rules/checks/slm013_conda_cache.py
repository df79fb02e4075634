"""SLM013: conda / mamba / micromamba install without a clean in the same RUN."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import APPEND, appendable, checked_fix

CONDAS = {"conda", "mamba", "micromamba"}
INSTALLS = {"install", "create", "update", "upgrade"}
CLEAN_OPTIONS = ("-a", "--all", "-t", "--tarballs", "-p", "--packages", "-f", "--force-pkgs-dirs")


def _action(c) -> str | None:
    """install, create, ... for `conda install` and `conda env create`."""
    if c.name not in CONDAS or not c.words:
        return None
    if c.words[0] == "env" and len(c.words) > 1 and c.words[1] in ("create", "update"):
        return f"env {c.words[1]}"
    return c.words[0]


def _cleans(cmds, after: int = -1) -> bool:
    """True when a conda clean that removes packages or tarballs runs after command `after`."""
    return any(c.name in CONDAS and c.subcommand == "clean" and c.has_option(*CLEAN_OPTIONS) and c.index > after
               for c in cmds)


def _pkgs_path(path: str) -> bool:
    parts = [p for p in path.rstrip("/").removesuffix("/*").split("/") if p]
    return bool(parts) and parts[-1] == "pkgs"


def _removes_pkgs(cmds) -> bool:
    # rm -rf /opt/conda/pkgs, ~/micromamba/pkgs/*, $CONDA_DIR/pkgs
    return any(c.name == "rm" and any(_pkgs_path(w) for w in c.words) for c in cmds)


def _cache_mounted(ins) -> bool:
    for m in ins.mounts:
        target = m.get("target") or m.get("dst") or m.get("destination") or ""
        if m.get("type") in ("cache", "tmpfs") and (_pkgs_path(target) or "conda" in target or "mamba" in target):
            return True
    return False


@rule("SLM013")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            installs = [c for c in cmds if (a := _action(c)) in INSTALLS or (a or "").startswith("env ")]
            if not installs or _cleans(cmds, installs[-1].index) or _removes_pkgs(cmds) or _cache_mounted(ins):
                continue
            tool = installs[0].name
            fix = None
            if appendable(ins):
                fix = r.make_fix(ins, APPEND, rf"\1 && {tool} clean --all --yes\2\3",
                                 f"append && {tool} clean --all --yes")
                fix = checked_fix(ctx, fix, lambda after: _cleans(after) and len(after) == len(cmds) + 1)
            yield r.finding(ins, f"{tool} {_action(installs[0])} keeps the downloaded package tarballs and caches "
                            f"(often 0.5-3 GB) in pkgs/; end the RUN with && {tool} clean --all --yes", fix)
