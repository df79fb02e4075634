"""SLM004: apt-get upgrade / dist-upgrade in a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import apt_call

UPGRADES = {"upgrade", "dist-upgrade", "full-upgrade"}


@rule("SLM004")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                call = apt_call(c)
                if call is not None and call.action in UPGRADES:
                    yield r.finding(
                        ins,
                        f"{c.name} {call.action} rewrites packages of the base image in a new layer (the old files "
                        "still count) and makes the build depend on the day it runs; use a newer base image tag "
                        "instead",
                    )
                    break
