"""SLM002: apt-get install without --no-install-recommends."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts import is_apt


@rule("SLM002")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                if c.name == "apt-get" and is_apt(c, "install") and not c.has_option("--no-install-recommends"):
                    fix = r.make_fix(ins, r"apt-get(\s+)install", r"apt-get\1install --no-install-recommends",
                                     "add --no-install-recommends", command=c)
                    yield r.finding(ins, "apt-get install pulls recommended packages too; add --no-install-recommends", fix)
                    break
