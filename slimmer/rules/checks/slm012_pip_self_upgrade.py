"""SLM012: pip upgrades itself in a stage that ships."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import pip_install


@rule("SLM012")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                pi = pip_install(c, ins)
                if pi is None or pi.uv or not pi.upgrade or not any(q.name == "pip" for q in pi.requirements):
                    continue
                # pip of a virtualenv made in this very RUN: the upgrade replaces it in the same layer.
                if any(v.name in ("venv", "virtualenv") and v.index < c.index for v in cmds):
                    continue
                yield r.finding(ins, "pip install --upgrade pip adds a second pip (~10-15 MB, the old one stays in "
                                "the base layer) and a different pip on every build; drop it, or pin pip==X in a build "
                                "stage")
                break
