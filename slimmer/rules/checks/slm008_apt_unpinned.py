"""SLM008: apt-get install of packages without version pins."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import apt_call


def _pinned(package: str) -> bool:
    # pkg=1.2-3, pkg=1.2*, pkg/bookworm-backports, ./local.deb
    return "=" in package or "/" in package or package.endswith(".deb")


@rule("SLM008")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            loose: list[str] = []
            for c in cmds:
                call = apt_call(c)
                if call is None or call.action != "install":
                    continue
                # Words built from variables are not known here.
                loose += [p for p in call.packages if "$" not in p and not _pinned(p)]
            if loose:
                shown = ", ".join(loose[:4]) + (f" and {len(loose) - 4} more" if len(loose) > 4 else "")
                yield r.finding(ins, f"apt-get install without version pins ({shown}): each build may get other "
                                "versions; pin them as package=version if the build must be reproducible")
