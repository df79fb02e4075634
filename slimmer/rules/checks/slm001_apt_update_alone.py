"""SLM001: apt-get update in a RUN that installs nothing."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts import is_apt


@rule("SLM001")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            updates = [c for c in cmds if is_apt(c, "update")]
            installs = [c for c in cmds if is_apt(c, "install")]
            if updates and not installs:
                yield r.finding(ins, "apt-get update runs without an install in the same RUN: a later install may use stale, cached package lists")
