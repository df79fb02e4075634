"""SLM009: apt told to accept unsigned or unauthenticated packages."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import apt_call

_OPTIONS = ("--allow-insecure-repositories", "--allow-unauthenticated", "--force-yes", "--allow-downgrades-insecure")
# -o settings that do the same (value true/yes/1).
_SETTINGS = ("acquire::allowinsecurerepositories", "apt::get::allowunauthenticated", "acquire::allowdowngradetoinsecurerepositories")


def _insecure(cmd) -> str | None:
    call = apt_call(cmd)
    if call is not None:
        for name, value in call.options:
            if name in _OPTIONS:
                return f"{cmd.name} {name}"
            if name in ("-o", "--option") and value:
                key, _, setting = value.partition("=")
                if key.lower() in _SETTINGS and setting.strip("'\"").lower() in ("1", "true", "yes"):
                    return f"{cmd.name} -o {value}"
    # A sources line with [trusted=yes] (echo "deb [trusted=yes] http://… ./" > …list)
    for arg in cmd.args:
        low = arg.replace(" ", "").lower()
        if "trusted=yes" in low and ("deb" in arg or low.startswith("[") or cmd.name in ("echo", "printf", "tee")):
            return "a `[trusted=yes]` apt source"
    return None


@rule("SLM009")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            for c in cmds:
                what = _insecure(c)
                if what:
                    yield r.finding(
                        ins,
                        f"{what} makes apt install packages whose signatures it cannot check: anyone on the path to the "
                        f"mirror can swap them; import the repository's key (signed-by=) instead",
                    )
                    break
