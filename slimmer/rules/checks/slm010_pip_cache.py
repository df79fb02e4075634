"""SLM010: pip install keeps its download cache in the image."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts import cache_mount_on


def _cache_disabled(ins, cmd) -> bool:
    # pip turns the cache off for any value of PIP_NO_CACHE_DIR (ENV or a prefix).
    env = dict(cmd.assignments) | ins.scope
    return cmd.has_option("--no-cache-dir") or "PIP_NO_CACHE_DIR" in env


@rule("SLM010")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            if cache_mount_on(ins, "/root/.cache/pip"):
                continue
            for c in cmds:
                if c.is_("pip", "install") and not _cache_disabled(ins, c):
                    fix = r.make_fix(ins, r"(pip[0-9.]*\s+install)\b", r"\1 --no-cache-dir", "add --no-cache-dir",
                                     command=c)
                    yield r.finding(ins, "pip keeps its wheel cache in the image; add --no-cache-dir or a cache mount", fix)
                    break
