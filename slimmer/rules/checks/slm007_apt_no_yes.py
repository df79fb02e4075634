"""SLM007: apt-get install without -y."""

from __future__ import annotations

from slimmer.rules import rule
from slimmer.rules.facts_python import apt_assumes_yes, apt_call, checked_fix

# `apt-get [options without a separate value] install`
APT_INSTALL = r"\b(apt(?:-get)?(?:[ \t]+--?[\w-]+(?:=\S*)?)*[ \t]+install)(?=[ \t]|$)"


def _installs(cmds):
    return [c for c in cmds if (call := apt_call(c)) is not None and call.action == "install"]


def _prompting(cmds):
    return [c for c in _installs(cmds) if not apt_assumes_yes(c, apt_call(c))]


def _yes_configured(ctx, stage, before) -> bool:
    """True when an earlier RUN of this stage (or its bases) configures APT::Get::Assume-Yes,
    or a COPY/ADD writes into /etc/apt: apt may be told to say yes there."""
    for st in ctx.stage_ancestry(stage):
        for ins in st.instructions:
            if ins is before:
                return False
            if ins.keyword in ("COPY", "ADD") and "/etc/apt" in ins.args:
                return True
            if ins.keyword == "RUN":
                for c in ctx.commands(ins):
                    if any("assume-yes" in a.lower() for a in c.args):
                        return True
    return False


@rule("SLM007")
def check(ctx, r):
    for stage in ctx.stages_for(r.scope):
        for ins, cmds in ctx.runs(stage):
            prompting = _prompting(cmds)
            if not prompting:
                continue
            if any(c.name == "yes" for c in cmds) or _yes_configured(ctx, stage, ins):
                continue
            fix = r.make_fix(ins, APT_INSTALL, r"\1 -y", "add -y to apt-get install", command=prompting[0])
            fix = checked_fix(ctx, fix, lambda after: len(_installs(after)) == len(_installs(cmds))
                              and len(_prompting(after)) == len(prompting) - 1)
            name = prompting[0].name
            yield r.finding(ins, f"{name} install without -y waits for a yes the build cannot give and aborts "
                            "when there is anything to confirm; add -y", fix)
