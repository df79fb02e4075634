"""SLM002: apt-get (or apt) install without --no-install-recommends."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import apt_call


def _skips_recommends(call) -> bool:
    for name, value in call.options:
        if name == "--no-install-recommends":
            return True
        if name in ("-o", "--option") and value and value.lower().startswith("apt::install-recommends="):
            return value.lower().rsplit("=", 1)[1].strip("'\"") in ("0", "false", "no", "off")
    return False


@rule("SLM002")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                call = apt_call(c)
                if call is None or call.action != "install" or _skips_recommends(call):
                    continue
                fix = r.make_fix(ins, rf"(?<![\w-]){c.name}(\s+)install\b", rf"{c.name}\1install --no-install-recommends",
                                 "add --no-install-recommends", command=c)
                yield r.finding(ins, f"{c.name} install pulls recommended packages too; add --no-install-recommends", fix)
                break
